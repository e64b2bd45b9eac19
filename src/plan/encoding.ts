/**
 * Bytes to UTF-8 for plan JSON, chunk by chunk (a plan can be larger than any string). Terraform writes UTF-8, but a plan can reach tfguard re-encoded: PowerShell's
 * `>` writes UTF-16 LE with a byte order mark, `Out-File -Encoding utf32` UTF-32, Notepad a UTF-8 BOM. Every
 * encoding that announces itself with a BOM is decoded; any other encoding that is not UTF-8 (UTF-16 without a
 * BOM, Latin-1 bytes) is an InputError that names it, never a guess.
 */
import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors.js';

const HOW_TO_FIX = 'save it as UTF-8 (PowerShell: `terraform show -json tfplan | Out-File -Encoding utf8 plan.json`)';

function startsWith(bytes: Buffer, ...prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The UTF-16/32 layout of a text without a BOM, from where its NUL bytes are (JSON text has none of its own). */
function nulLayout(bytes: Buffer): string {
  const [a, b, c, d] = [bytes[0] === 0, bytes[1] === 0, bytes[2] === 0, bytes[3] === 0];
  if (a && b && c && !d) return 'UTF-32 big-endian text without a byte order mark';
  if (!a && b && c && d) return 'UTF-32 little-endian text without a byte order mark';
  if (a && !b) return 'UTF-16 big-endian text without a byte order mark';
  if (!a && b) return 'UTF-16 little-endian text without a byte order mark';
  return 'not text: it holds NUL bytes (a binary file?)';
}

/** The second byte's range after each lead byte that restricts it (no overlong forms, no surrogates). */
// biome-ignore lint/complexity/useSimpleNumberKeys: UTF-8 lead bytes read best in hex, as the standard writes them
const SECOND: Record<number, [number, number]> = { 0xe0: [0xa0, 0xbf], 0xed: [0x80, 0x9f], 0xf0: [0x90, 0xbf], 0xf4: [0x80, 0x8f] };

/** Where UTF-8 decoding fails: the offset of the first byte that starts no valid sequence. */
export function firstInvalidUtf8(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const b = bytes[at]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return at;
    const [lo, hi] = SECOND[b] ?? [0x80, 0xbf];
    const second = bytes[at + 1] ?? 0;
    if (need > 0 && (second < lo || second > hi)) return at;
    for (let i = 2; i <= need; i++) if (((bytes[at + i] ?? 0) & 0xc0) !== 0x80) return at;
    at += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}

type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be';

/** The encoding its byte order mark announces (UTF-8 without one), and the BOM's length. */
function sniff(head: Buffer): [Encoding, number] {
  if (startsWith(head, 0xef, 0xbb, 0xbf)) return ['utf8', 3];
  if (startsWith(head, 0xff, 0xfe, 0, 0)) return ['utf32le', 4];
  if (startsWith(head, 0, 0, 0xfe, 0xff)) return ['utf32be', 4];
  if (startsWith(head, 0xff, 0xfe)) return ['utf16le', 2];
  if (startsWith(head, 0xfe, 0xff)) return ['utf16be', 2];
  return ['utf8', 0];
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the next chunk completes. */
function openTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Turns the bytes of a plan, chunk by chunk, into checked UTF-8: UTF-8 (with or without a BOM) is checked and
 * passed on, UTF-16 and UTF-32 with a BOM are decoded. Any other encoding (no BOM, NUL bytes, Latin-1 bytes) is
 * an InputError that names it, never a guess. `head` must hold the first 4 bytes (or all there are).
 */
export class Utf8Decoder {
  private readonly encoding: Encoding;
  private skip: number;
  private readonly head: Buffer;
  private carry: Buffer = Buffer.alloc(0);
  private at = 0; // bytes of the body (after the BOM) before `carry`
  private utf16?: TextDecoder;

  constructor(
    private readonly source: string,
    head: Buffer,
  ) {
    [this.encoding, this.skip] = sniff(head);
    this.head = head;
    if (this.encoding.startsWith('utf16')) this.utf16 = new TextDecoder('utf-16le', { fatal: true });
  }

  push(chunk: Buffer): Buffer {
    if (this.skip > 0) {
      const cut = Math.min(this.skip, chunk.length);
      this.skip -= cut;
      chunk = chunk.subarray(cut);
    }
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const unit = this.encoding === 'utf8' ? 0 : this.encoding.startsWith('utf16') ? 2 : 4;
    const keep = unit === 0 ? openTail(bytes) : bytes.length % unit;
    const body = bytes.subarray(0, bytes.length - keep);
    this.carry = Buffer.from(bytes.subarray(bytes.length - keep));
    const out = this.decode(body);
    this.at += body.length;
    return out;
  }

  /** The input ended: a sequence or unit left open is an error. */
  end(): void {
    if (this.carry.length === 0) {
      if (this.utf16) this.finishUtf16();
      return;
    }
    if (this.encoding === 'utf8') this.notUtf8(this.carry, this.at);
    if (this.utf16) throw new InputError(`${this.source}: is UTF-16 with an odd number of bytes: cut short, or not UTF-16`);
    throw new InputError(`${this.source}: is UTF-32 with a byte count that is not a multiple of 4: cut short`);
  }

  private decode(body: Buffer): Buffer {
    if (this.encoding === 'utf8') {
      if (body.includes(0)) throw new InputError(`${this.source}: is ${nulLayout(this.head)}; tfguard reads UTF-8: ${HOW_TO_FIX}`);
      if (!isUtf8(body)) this.notUtf8(body, this.at);
      return body;
    }
    if (this.utf16) {
      const le = this.encoding === 'utf16be' ? Buffer.from(body).swap16() : body;
      try {
        return Buffer.from(this.utf16.decode(le, { stream: true }), 'utf8');
      } catch {
        throw this.badUtf16();
      }
    }
    return this.utf32(body);
  }

  private finishUtf16(): void {
    try {
      this.utf16!.decode();
    } catch {
      throw this.badUtf16();
    }
  }

  private badUtf16(): InputError {
    return new InputError(`${this.source}: is not valid UTF-16 (an unpaired surrogate): ${HOW_TO_FIX}`);
  }

  private utf32(body: Buffer): Buffer {
    const parts: string[] = [];
    const points: number[] = [];
    for (let at = 0; at < body.length; at += 4) {
      const code = this.encoding === 'utf32be' ? body.readUInt32BE(at) : body.readUInt32LE(at);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        throw new InputError(`${this.source}: is not valid UTF-32 (code point 0x${code.toString(16)} at byte ${this.at + at + 4})`);
      }
      points.push(code);
      if (points.length === 8192) parts.push(String.fromCodePoint(...points.splice(0)));
    }
    parts.push(String.fromCodePoint(...points));
    return Buffer.from(parts.join(''), 'utf8');
  }

  private notUtf8(bytes: Buffer, base: number): never {
    const at = firstInvalidUtf8(bytes);
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(
      `${this.source}: is not UTF-8 (byte 0x${hex} at offset ${base + at}: Latin-1, Windows-1252 or another legacy encoding?): ${HOW_TO_FIX}`,
    );
  }
}
