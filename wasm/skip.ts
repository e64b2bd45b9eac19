// AssemblyScript, compiled to WebAssembly by scripts/wasm.mjs into src/plan/skip-wasm.ts (committed, so that a
// build needs no compiler). The hot loop of the plan scanner (src/plan/scanner.ts, `quiet`): it checks every
// byte of the JSON values no handler looks into, with the same states and the same refusals, and stops when the
// value it was given ends or the chunk does. WebAssembly runs at full speed from its first byte, where the same
// loop in JavaScript spends much of a one-shot run warming up.
//
// Memory: the state block (i32 slots, below), the stack of open containers (one byte each), then the chunk.

// The state block, shared with JavaScript (an Int32Array over the first bytes of memory).
const STATE: usize = 0; // the scanner state (S_* of scanner.ts)
const ESC: usize = 4; // 0, or 1 after '\', or 2..5: hex digits of \u to come
const NUM: usize = 8; // number sub-state (N_* of scanner.ts)
const IS_KEY: usize = 12; // the string being read is a key
const LITERAL: usize = 16; // 0 true, 1 false, 2 null
const LITERAL_AT: usize = 20; // bytes of it read
const DEPTH: usize = 24; // open containers (the stack's length)
const ERROR: usize = 28; // 0, or what is wrong at the returned position (E_* below)
const DONE: usize = 32; // 1: the outermost container closed at the returned position
const STOP: usize = 36; // where `elements` stopped
/** The stack: 1 object, 2 array, from here. */
export const STACK: usize = 64;
/** At most this many containers deep. */
export const MAX_DEPTH: i32 = 1 << 20;
/** Where JavaScript copies the chunk. */
export const DATA: usize = STACK + (1 << 20);

const S_VALUE = 1;
const S_ARR_FIRST = 2;
const S_ARR_NEXT = 3;
const S_ARR_VALUE = 4;
const S_OBJ_FIRST = 5;
const S_OBJ_KEY = 6;
const S_COLON = 7;
const S_OBJ_NEXT = 8;
const S_STRING = 9;
const S_NUMBER = 10;
const S_LITERAL = 11;

const N_MINUS = 0;
const N_ZERO = 1;
const N_INT = 2;
const N_DOT = 3;
const N_FRAC = 4;
const N_E = 5;
const N_ESIGN = 6;
const N_EXP = 7;

const OBJECT: u8 = 1;
const ARRAY: u8 = 2;

// What is wrong (scanner.ts words each).
const E_ESCAPE = 1;
const E_UNICODE = 2;
const E_CONTROL = 3;
const E_NUMBER = 4;
const E_LITERAL = 5;
const E_VALUE = 6;
const E_ARRAY_NEXT = 7;
const E_OBJECT_FIRST = 8;
const E_KEY = 9;
const E_COLON = 10;
const E_OBJECT_NEXT = 11;
const E_DEEP = 12;

@inline
function isDigit(c: i32): bool {
  return <u32>(c - 0x30) <= 9;
}

@inline
function isHex(c: i32): bool {
  return <u32>(c - 0x30) <= 9 || <u32>((c | 0x20) - 0x61) <= 5;
}

@inline
function isEscape(c: i32): bool {
  return c == 0x22 || c == 0x5c || c == 0x2f || c == 0x62 || c == 0x66 || c == 0x6e || c == 0x72 || c == 0x74 || c == 0x75;
}

@inline
function accepting(n: i32): bool {
  return n == N_ZERO || n == N_INT || n == N_FRAC || n == N_EXP;
}

/** The k-th byte (k >= 1) of literal l: true, false, null. */
@inline
function literalByte(l: i32, k: i32): i32 {
  if (l == 0) return k == 1 ? 0x72 : k == 2 ? 0x75 : 0x65;
  if (l == 1) return k == 1 ? 0x61 : k == 2 ? 0x6c : k == 3 ? 0x73 : 0x65;
  return k == 1 ? 0x75 : 0x6c;
}

@inline
function literalLength(l: i32): i32 {
  return l == 1 ? 5 : 4;
}

/** The first byte at or after i (before n) that ends a plain run of string bytes: '"', '\\' or a control character. */
@inline
function stringStop(i: usize, n: usize): usize {
  // Eight bytes at a time while none of them is one.
  while (i + 8 <= n) {
    const w = load<u64>(i);
    const quote = w ^ 0x2222222222222222;
    const slash = w ^ 0x5c5c5c5c5c5c5c5c;
    const stop = ((quote - 0x0101010101010101) & ~quote) | ((slash - 0x0101010101010101) & ~slash) | ((w - 0x2020202020202020) & ~w);
    if ((stop & 0x8080808080808080) != 0) break;
    i += 8;
  }
  while (i < n) {
    const c = <i32>load<u8>(i);
    if (c == 0x22 || c == 0x5c || c < 0x20) break;
    i++;
  }
  return i;
}

@inline
function isSpace(c: i32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

/**
 * Reads bytes [i, n) of memory, in the state of the block, with at least one container open. Returns where it
 * stopped: at n (the chunk is read), just after the byte that closed the outermost container (DONE), or at a
 * byte that is wrong (ERROR). The state block holds the state to go on from.
 */
export function run(i: usize, n: usize): usize {
  let state = load<i32>(STATE);
  let esc = load<i32>(ESC);
  let num = load<i32>(NUM);
  let isKey = load<i32>(IS_KEY);
  let literal = load<i32>(LITERAL);
  let literalAt = load<i32>(LITERAL_AT);
  let depth = load<i32>(DEPTH);
  let inArray = load<u8>(STACK + <usize>(depth - 1)) == ARRAY;
  let error = 0;
  let done = 0;
  while (i < n) {
    let c = <i32>load<u8>(i);
    let close = false;
    switch (state) {
      case S_STRING: {
        if (esc != 0) {
          if (esc == 1) {
            if (!isEscape(c)) {
              error = E_ESCAPE;
              break;
            }
            esc = c == 0x75 ? 5 : 0;
          } else {
            if (!isHex(c)) {
              error = E_UNICODE;
              break;
            }
            esc = esc == 2 ? 0 : esc - 1;
          }
          i++;
          continue;
        }
        i = stringStop(i, n);
        if (i == n) continue;
        c = <i32>load<u8>(i);
        if (c == 0x22) state = isKey ? S_COLON : inArray ? S_ARR_NEXT : S_OBJ_NEXT;
        else if (c == 0x5c) esc = 1;
        else {
          error = E_CONTROL;
          break;
        }
        i++;
        continue;
      }
      case S_NUMBER: {
        let next = -1;
        if (isDigit(c))
          next = num == N_MINUS ? (c == 0x30 ? N_ZERO : N_INT) : num == N_ZERO ? -2 : num == N_DOT ? N_FRAC : num == N_E || num == N_ESIGN ? N_EXP : num;
        else if (c == 0x2e) next = num == N_ZERO || num == N_INT ? N_DOT : -2;
        else if (c == 0x65 || c == 0x45) next = num == N_ZERO || num == N_INT || num == N_FRAC ? N_E : -2;
        else if (c == 0x2b || c == 0x2d) next = num == N_E ? N_ESIGN : -2;
        if (next == -2 || (next == -1 && !accepting(num))) {
          error = E_NUMBER;
          break;
        }
        if (next == -1) state = inArray ? S_ARR_NEXT : S_OBJ_NEXT;
        else {
          num = next;
          i++;
        }
        continue;
      }
      case S_LITERAL: {
        if (c != literalByte(literal, literalAt)) {
          error = E_LITERAL;
          break;
        }
        i++;
        literalAt++;
        if (literalAt == literalLength(literal)) state = inArray ? S_ARR_NEXT : S_OBJ_NEXT;
        continue;
      }
      case S_OBJ_FIRST:
      case S_OBJ_KEY: {
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (c == 0x22) {
          // The common case at once: a plain key, ':' and the value's first byte. Anything else (an escape, a
          // control character, the end of the chunk) leaves the state where it got to, and the loop reads on.
          let j = stringStop(i + 1, n);
          if (j == n || load<u8>(j) != 0x22) {
            isKey = 1;
            state = S_STRING;
            i = j;
            continue;
          }
          j++;
          while (j < n && isSpace(<i32>load<u8>(j))) j++;
          if (j == n || load<u8>(j) != 0x3a) {
            state = S_COLON;
            i = j;
            continue;
          }
          j++;
          while (j < n && isSpace(<i32>load<u8>(j))) j++;
          state = S_VALUE;
          i = j;
          continue;
        }
        if (c == 0x7d && state == S_OBJ_FIRST) close = true;
        else error = state == S_OBJ_FIRST ? E_OBJECT_FIRST : E_KEY;
        break;
      }
      case S_OBJ_NEXT: {
        if (c == 0x2c) state = S_OBJ_KEY;
        else if (c == 0x7d) close = true;
        else if (!isSpace(c)) error = E_OBJECT_NEXT;
        break;
      }
      case S_ARR_NEXT: {
        if (c == 0x2c) state = S_ARR_VALUE;
        else if (c == 0x5d) close = true;
        else if (!isSpace(c)) error = E_ARRAY_NEXT;
        break;
      }
      case S_COLON: {
        if (c == 0x3a) state = S_VALUE;
        else if (!isSpace(c)) error = E_COLON;
        break;
      }
      default: {
        // S_VALUE, S_ARR_VALUE, S_ARR_FIRST: a value starts.
        if (isSpace(c)) break;
        if (c == 0x22) {
          isKey = 0;
          state = S_STRING;
        } else if (c == 0x7b || c == 0x5b) {
          if (depth == MAX_DEPTH) {
            error = E_DEEP;
            break;
          }
          store<u8>(STACK + <usize>depth, c == 0x7b ? OBJECT : ARRAY);
          depth++;
          inArray = c == 0x5b;
          state = inArray ? S_ARR_FIRST : S_OBJ_FIRST;
        } else if (c == 0x2d || isDigit(c)) {
          num = c == 0x2d ? N_MINUS : c == 0x30 ? N_ZERO : N_INT;
          state = S_NUMBER;
        } else if (c == 0x74 || c == 0x66 || c == 0x6e) {
          literal = c == 0x74 ? 0 : c == 0x66 ? 1 : 2;
          literalAt = 1;
          state = S_LITERAL;
        } else if (c == 0x5d && state == S_ARR_FIRST) close = true;
        else error = E_VALUE;
        break;
      }
    }
    if (error != 0) break;
    i++;
    if (!close) continue;
    // The state says which kind of container is open, so the closing byte always matches it.
    depth--;
    if (depth == 0) {
      done = 1;
      break;
    }
    inArray = load<u8>(STACK + <usize>(depth - 1)) == ARRAY;
    state = inArray ? S_ARR_NEXT : S_OBJ_NEXT;
  }
  store<i32>(STATE, state);
  store<i32>(ESC, esc);
  store<i32>(NUM, num);
  store<i32>(IS_KEY, isKey);
  store<i32>(LITERAL, literal);
  store<i32>(LITERAL_AT, literalAt);
  store<i32>(DEPTH, depth);
  store<i32>(ERROR, error);
  store<i32>(DONE, done);
  return i;
}

/** Just after the object that starts at i, read and checked by `run`; 0 when it is wrong or goes on past n. */
function checked(i: usize, n: usize): usize {
  store<i32>(STATE, S_OBJ_FIRST);
  store<i32>(ESC, 0);
  store<i32>(NUM, 0);
  store<i32>(IS_KEY, 0);
  store<i32>(LITERAL, 0);
  store<i32>(LITERAL_AT, 0);
  store<i32>(DEPTH, 1);
  store<u8>(STACK, OBJECT);
  const end = run(i + 1, n);
  return load<i32>(ERROR) != 0 || load<i32>(DONE) == 0 ? 0 : end;
}

/**
 * Just after the bracket that brings `depth` open containers down to `floor`, read from i by brackets alone
 * (strings skipped, nothing else looked at); 0 when the input ends first or more than MAX_DEPTH are open.
 */
function closing(i: usize, n: usize, depth: i32, floor: i32): usize {
  while (i < n) {
    const c = <i32>load<u8>(i);
    if (c == 0x22) {
      i = stringEnd(i + 1, n);
      continue;
    }
    i++;
    if (c == 0x7b || c == 0x5b) {
      if (++depth > MAX_DEPTH) return 0;
    } else if ((c == 0x7d || c == 0x5d) && --depth == floor) return i;
  }
  return 0;
}

/**
 * The objects of an array, one after another from i (where a value may start: after '[' when `first` is not 0,
 * else after ','): a record of two u32 at `out` for each, where it starts and where it ends. Each is read and
 * checked by `run`, except, when `small` is not 0, those of at most `small` bytes: those are only bracketed, and
 * the caller checks them (one JSON.parse reads a run of them). Stops, before reading it, at anything else: a
 * value that is not an object, an object that is wrong or goes on past n (the scanner reads that one itself, and
 * words what is wrong as it always does), a byte after an element that is not ',' (']' closes the array), the
 * end of the chunk, or `capacity` elements. Returns how many it read; the state block says where it stopped
 * (STOP) and the array's state there (STATE: S_ARR_FIRST or S_ARR_VALUE where a value may start, S_ARR_NEXT
 * after an element).
 */
export function elements(i: usize, n: usize, out: usize, capacity: i32, first: i32, small: i32): i32 {
  let count = 0;
  let state = first != 0 ? S_ARR_FIRST : S_ARR_VALUE;
  while (count < capacity) {
    let j = i;
    while (j < n && isSpace(<i32>load<u8>(j))) j++;
    if (j == n || load<u8>(j) != 0x7b) {
      i = j;
      break;
    }
    // Small ones are found by their brackets alone: the caller has JSON.parse check them.
    let end: usize = small != 0 ? closing(j, n, 0, 0) : 0;
    if (small == 0 || (end != 0 && <i32>(end - j) > small)) end = checked(j, n);
    if (end == 0) {
      i = j;
      break;
    }
    store<u32>(out + <usize>count * 8, <u32>j);
    store<u32>(out + <usize>count * 8 + 4, <u32>end);
    count++;
    state = S_ARR_NEXT;
    i = end;
    while (i < n && isSpace(<i32>load<u8>(i))) i++;
    if (i == n || load<u8>(i) != 0x2c) break;
    i++;
    state = S_ARR_VALUE;
  }
  store<i32>(ERROR, 0);
  store<i32>(DONE, 0);
  store<i32>(STATE, state);
  store<u32>(STOP, <u32>i);
  return count;
}

/** Just after the '"' that closes the string whose body starts at i (the input is valid JSON). */
@inline
function stringEnd(i: usize, n: usize): usize {
  while (i < n) {
    while (i + 8 <= n) {
      const w = load<u64>(i);
      const quote = w ^ 0x2222222222222222;
      const slash = w ^ 0x5c5c5c5c5c5c5c5c;
      if ((((quote - 0x0101010101010101) & ~quote) | ((slash - 0x0101010101010101) & ~slash)) & 0x8080808080808080) break;
      i += 8;
    }
    if (i >= n) break;
    const d = <i32>load<u8>(i);
    if (d == 0x5c) i += 2;
    else if (d == 0x22) return i + 1;
    else i++;
  }
  return n;
}

/**
 * The members of a JSON object the scanner has read and checked, at [i, n): its keys at depth 1, and (when
 * `inner` is not 0) at depth 2 those of its values that are objects. Each is a record of five u32 at `out`: its
 * depth (plus 256 when the key holds an escape), where the key starts and ends (its quotes included), where its
 * value starts and ends. Returns how many there are; only the first `capacity` are written. The input is valid
 * JSON, so nothing is checked here; a cut of the scanner (scanner.ts) is chosen from these.
 */
export function members(i: usize, n: usize, out: usize, inner: i32, capacity: i32): i32 {
  let depth = 0;
  let count = 0;
  // Whether the containers at depth 1 and 2 are objects.
  let object1 = false;
  let object2 = false;
  let expectKey = false;
  // The record whose value is being read at depth 1 and 2 (-1: none), and whether its value is still to start.
  let open1 = -1;
  let open2 = -1;
  let waiting1 = false;
  let waiting2 = false;
  // Just after the last byte that is not whitespace.
  let last: usize = i;
  // Below this depth nothing is recorded: only strings and brackets are looked at there.
  const floor = inner != 0 ? 2 : 1;
  while (i < n) {
    if (depth > floor) {
      const end = closing(i, n, depth, floor);
      if (end == 0) i = n;
      else {
        i = end;
        depth = floor;
      }
      last = i;
      continue;
    }
    const c = <i32>load<u8>(i);
    if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) {
      i++;
      continue;
    }
    if (c == 0x3a) {
      i++;
      continue;
    }
    if (depth == 1 && waiting1) {
      if (open1 < capacity) store<u32>(out + <usize>open1 * 20 + 12, <u32>i);
      waiting1 = false;
    } else if (depth == 2 && waiting2) {
      if (open2 < capacity) store<u32>(out + <usize>open2 * 20 + 12, <u32>i);
      waiting2 = false;
    }
    if (c == 0x22) {
      const start = i;
      i = stringEnd(i + 1, n);
      // A key with an escape is read by JSON.parse (scanner.ts).
      let escaped = 0;
      for (let k = start + 1; k < i - 1; k++) {
        if (load<u8>(k) == 0x5c) {
          escaped = 256;
          break;
        }
      }
      if (expectKey) {
        if (count < capacity) {
          const at = out + <usize>count * 20;
          store<u32>(at, <u32>(depth + escaped));
          store<u32>(at + 4, <u32>start);
          store<u32>(at + 8, <u32>i);
          store<u32>(at + 12, 0);
          store<u32>(at + 16, 0);
        }
        if (depth == 1) {
          open1 = count;
          waiting1 = true;
        } else {
          open2 = count;
          waiting2 = true;
        }
        count++;
        expectKey = false;
        // The value's first byte is recorded above, when it comes (after the ':').
      }
      last = i;
      continue;
    }
    if (c == 0x7b || c == 0x5b) {
      depth++;
      if (depth == 1) object1 = c == 0x7b;
      else if (depth == 2) object2 = c == 0x7b;
      expectKey = c == 0x7b && (depth == 1 || (depth == 2 && object1 && inner != 0));
      i++;
      last = i;
      continue;
    }
    if (c == 0x7d || c == 0x5d || c == 0x2c) {
      if (depth == 1 && open1 >= 0) {
        if (open1 < capacity) store<u32>(out + <usize>open1 * 20 + 16, <u32>last);
        open1 = -1;
      } else if (depth == 2 && open2 >= 0) {
        if (open2 < capacity) store<u32>(out + <usize>open2 * 20 + 16, <u32>last);
        open2 = -1;
      }
      if (c == 0x2c) expectKey = (depth == 1 && object1) || (depth == 2 && object2 && object1 && inner != 0);
      else depth--;
      i++;
      last = i;
      continue;
    }
    // A digit, a sign, a letter of a literal.
    i++;
    last = i;
  }
  return count;
}
