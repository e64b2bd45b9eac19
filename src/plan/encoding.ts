/**
 * Bytes to text for plan JSON. Terraform writes UTF-8, but a plan can reach tfguard re-encoded: PowerShell's
 * `>` writes UTF-16 LE with a byte order mark, `Out-File -Encoding utf32` UTF-32, Notepad a UTF-8 BOM. Every
 * encoding that announces itself with a BOM is decoded; any other encoding that is not UTF-8 (UTF-16 without a
 * BOM, Latin-1 bytes) is an InputError that names it, never a guess.
 */
import { InputError } from '../errors.js';

const HOW_TO_FIX = 'save it as UTF-8 (PowerShell: `terraform show -json tfplan | Out-File -Encoding utf8 plan.json`)';

function startsWith(bytes: Buffer, ...prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function utf16(source: string, body: Buffer, bigEndian: boolean): string {
  if (body.length % 2 !== 0) throw new InputError(`${source}: is UTF-16 with an odd number of bytes: cut short, or not UTF-16`);
  const le = bigEndian ? Buffer.from(body).swap16() : body;
  try {
    return new TextDecoder('utf-16le', { fatal: true }).decode(le);
  } catch {
    throw new InputError(`${source}: is not valid UTF-16 (an unpaired surrogate): ${HOW_TO_FIX}`);
  }
}

function utf32(source: string, body: Buffer, bigEndian: boolean): string {
  if (body.length % 4 !== 0) throw new InputError(`${source}: is UTF-32 with a byte count that is not a multiple of 4: cut short`);
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let at = 0; at < body.length; at += 4) {
    const code = bigEndian ? body.readUInt32BE(at) : body.readUInt32LE(at);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new InputError(`${source}: is not valid UTF-32 (code point 0x${code.toString(16)} at byte ${at + 4})`);
    }
    chunk.push(code);
    if (chunk.length === 8192) parts.push(String.fromCodePoint(...chunk.splice(0)));
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
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
const SECOND: Record<number, [number, number]> = { 0xe0: [0xa0, 0xbf], 0xed: [0x80, 0x9f], 0xf0: [0x90, 0xbf], 0xf4: [0x80, 0x8f] };

/** Where UTF-8 decoding fails: the offset of the first byte that starts no valid sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
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

/** The text of a plan file: UTF-8 (with or without a BOM), or UTF-16/UTF-32 with a BOM. */
export function decodeText(source: string, bytes: Buffer): string {
  try {
    if (startsWith(bytes, 0xef, 0xbb, 0xbf)) return utf8(source, bytes.subarray(3));
    if (startsWith(bytes, 0xff, 0xfe, 0, 0)) return utf32(source, bytes.subarray(4), false);
    if (startsWith(bytes, 0, 0, 0xfe, 0xff)) return utf32(source, bytes.subarray(4), true);
    if (startsWith(bytes, 0xff, 0xfe)) return utf16(source, bytes.subarray(2), false);
    if (startsWith(bytes, 0xfe, 0xff)) return utf16(source, bytes.subarray(2), true);
    return utf8(source, bytes);
  } catch (error) {
    if (error instanceof InputError) throw error;
    // Larger than the longest string V8 can hold.
    throw new InputError(`${source}: too large to read (${bytes.length} bytes)`);
  }
}

function utf8(source: string, bytes: Buffer): string {
  if (bytes.includes(0)) throw new InputError(`${source}: is ${nulLayout(bytes)}; tfguard reads UTF-8: ${HOW_TO_FIX}`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const at = firstInvalidUtf8(bytes);
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(
      `${source}: is not UTF-8 (byte 0x${hex} at offset ${at}: Latin-1, Windows-1252 or another legacy encoding?): ${HOW_TO_FIX}`,
    );
  }
}
