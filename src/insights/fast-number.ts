/**
 * Fast fixed-point formatting of numbers for large CSV outputs: `decimals` digits after the point through integer
 * arithmetic (several times faster than Number#toString's shortest round-trip form). Values too large for an exact
 * integer at that scale, and non-finite values, fall back to the ordinary forms. And the reverse for large CSV
 * inputs: numbers parsed straight from the bytes, exactly as Number() parses their text (parseDecimalBytes).
 */

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

/**
 * @param x the number
 * @param decimals digits after the decimal point (0..12); trailing zeros are trimmed
 * @returns the decimal text
 * @example formatFixed(0.72657857, 6) // => "0.726579"
 * @example formatFixed(2, 9) // => "2"
 */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return "";
  const scale = POW10[decimals];
  const scaled = Math.round(Math.abs(x) * scale);
  if (scaled > Number.MAX_SAFE_INTEGER) return String(x);
  if (scaled === 0) return "0";
  const sign = x < 0 ? "-" : "";
  const intPart = Math.floor(scaled / scale);
  let frac = scaled - intPart * scale;
  if (frac === 0) return sign + intPart;
  let d = decimals;
  while (frac % 10 === 0) {
    frac /= 10;
    d--;
  }
  const f = String(frac);
  return `${sign}${intPart}.${f.length < d ? "0".repeat(d - f.length) + f : f}`;
}

/**
 * Appends CSV text to a growing byte buffer without creating a string per value: large outputs (millions of rows)
 * would otherwise spend most of their time in the garbage collector.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;
  private digits = new Uint8Array(24);

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends bytes [start, end) of another buffer. */
  copy(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n < 32) for (let i = 0; i < n; i++) this.buf[this.pos + i] = src[start + i];
    else src.copy(this.buf, this.pos, start, end);
    this.pos += n;
  }

  /** Appends one byte (an ASCII character code). */
  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Appends a string as UTF-8 (byte by byte for short ASCII strings: Buffer#write costs more per call). */
  str(s: string): void {
    const n = s.length;
    this.ensure(n * 3);
    if (n < 64) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) {
          ascii = false;
          break;
        }
        this.buf[this.pos + i] = c;
      }
      if (ascii) {
        this.pos += n;
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** Appends a number as {@link formatFixed} would write it. */
  fixed(x: number, decimals: number): void {
    if (!Number.isFinite(x)) return;
    const scale = POW10[decimals];
    const scaled = Math.round(Math.abs(x) * scale);
    if (scaled > Number.MAX_SAFE_INTEGER) {
      this.str(String(x));
      return;
    }
    this.ensure(40);
    const buf = this.buf;
    let pos = this.pos;
    if (scaled === 0) {
      buf[pos] = 48;
      this.pos = pos + 1;
      return;
    }
    if (x < 0) buf[pos++] = 45;
    const intPart = Math.floor(scaled / scale);
    const frac = scaled - intPart * scale;
    // integer digits, written from the last one back (int32 arithmetic when it fits)
    if (intPart < 10) buf[pos++] = 48 + intPart;
    else if (intPart < 2147483648) {
      let ip = intPart | 0;
      let nd = 2;
      while (nd < 10 && ip >= POW10[nd]) nd++;
      pos += nd;
      for (let i = pos - 1; i >= pos - nd; i--) {
        const q = (ip / 10) | 0;
        buf[i] = 48 + ip - q * 10;
        ip = q;
      }
    } else {
      let ip = intPart;
      let k = 0;
      do {
        const q = Math.floor(ip / 10);
        this.digits[k++] = ip - q * 10;
        ip = q;
      } while (ip > 0);
      while (k > 0) buf[pos++] = 48 + this.digits[--k];
    }
    if (frac === 0) {
      this.pos = pos;
      return;
    }
    buf[pos++] = 46;
    let d = decimals;
    if (decimals <= 9) {
      // frac < 10^9 < 2^31: int32 arithmetic only (a double % or / here costs several times more)
      let fr = frac | 0;
      while (fr % 10 === 0) {
        fr = (fr / 10) | 0;
        d--;
      }
      for (let i = pos + d - 1; i >= pos; i--) {
        const q = (fr / 10) | 0;
        buf[i] = 48 + fr - q * 10;
        fr = q;
      }
    } else {
      let fr = frac;
      while (fr % 10 === 0) {
        fr /= 10;
        d--;
      }
      for (let i = pos + d - 1; i >= pos; i--) {
        const q = Math.floor(fr / 10);
        buf[i] = 48 + fr - q * 10;
        fr = q;
      }
    }
    this.pos = pos + d;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}

/** 10^0 .. 10^18: every one an exact double (so is every power up to 10^22). */
const EXACT_POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
];
const TWO_53 = 9007199254740992;
const CACHE_SLOTS = 4096; // per cache; a power of two

// Cache of plain decimals of up to 18 digits too long for the fast path (the 17-digit shortest forms of days / 7 …),
// keyed by their digits as two int32 chunks of 9 (c0 · 10^(n−9) + c1), the digit count n, the digits after the
// point and the sign: equal keys mean equal decimal values, hence equal results of Number(). A collision only costs
// a miss, never a wrong value.
const valC0 = new Int32Array(CACHE_SLOTS);
const valC1 = new Int32Array(CACHE_SLOTS);
const valMeta = new Int32Array(CACHE_SLOTS).fill(-1); // frac · 64 + n · 2 + sign; −1: empty
const valNum = new Float64Array(CACHE_SLOTS);

// Cache of other short texts (exponents, blanks around the number, …) keyed by their exact bytes.
const BYTES_KEY = 32; // longest text cached, in bytes
const bytesLen = new Int32Array(CACHE_SLOTS).fill(-1);
const bytesKey = new Uint8Array(CACHE_SLOTS * BYTES_KEY);
const bytesNum = new Float64Array(CACHE_SLOTS);

function latin1(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString("latin1");
}

/** Slot of bytes [s, e) in the byte-keyed cache (FNV-1a). Exported for tests only. */
export function bytesCacheSlot(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
}

function parseOther(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n > BYTES_KEY) return Number(latin1(buf, s, e));
  const slot = bytesCacheSlot(buf, s, e);
  const base = slot * BYTES_KEY;
  if (bytesLen[slot] === n) {
    let i = 0;
    while (i < n && bytesKey[base + i] === buf[s + i]) i++;
    if (i === n) return bytesNum[slot];
  }
  const v = Number(latin1(buf, s, e));
  for (let i = 0; i < n; i++) bytesKey[base + i] = buf[s + i];
  bytesLen[slot] = n;
  bytesNum[slot] = v;
  return v;
}

/** Slot of a plain decimal in the value-keyed cache (see valMeta for `meta`). Exported for tests only. */
export function valueCacheSlot(c0: number, c1: number, meta: number): number {
  let h = Math.imul(c0, 0x9e3779b1) ^ Math.imul(c1, 0x85ebca77) ^ Math.imul(meta, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) & (CACHE_SLOTS - 1);
}

function parseLong(buf: Uint8Array, s: number, e: number, c0: number, c1: number, meta: number): number {
  const slot = valueCacheSlot(c0, c1, meta);
  if (valMeta[slot] === meta && valC0[slot] === c0 && valC1[slot] === c1) return valNum[slot];
  const v = Number(latin1(buf, s, e));
  valC0[slot] = c0;
  valC1[slot] = c1;
  valMeta[slot] = meta;
  valNum[slot] = v;
  return v;
}

/**
 * Parses bytes [s, e) of a buffer as a number without making a string: returns exactly what
 * `Number(buf.toString("latin1", s, e))` returns (the same double for every input, NaN for text that is not a
 * number). Plain decimals (`[+-]digits[.digits]`) of at most 18 digits that form an integer below 2^53 are
 * computed directly — an exact integer divided by an exact power of ten, which IEEE division rounds correctly
 * (Clinger's fast path). Other plain decimals of up to 18 digits (such as the 17-digit shortest forms of most
 * fractions) go through `Number()` behind a small cache keyed by their exact value, and anything else (more digits,
 * exponents, blanks, hex, "Infinity", garbage) through `Number()` behind a small cache keyed by the exact bytes.
 * @param buf the bytes (latin1/ASCII text)
 * @param s first byte
 * @param e end (exclusive)
 * @returns the number
 * @example parseDecimalBytes(Buffer.from("-12.5"), 0, 5) // => -12.5
 */
export function parseDecimalBytes(buf: Uint8Array, s: number, e: number): number {
  const v = parseDecimalPrefix(buf, s, e);
  return decimalPrefixEnd === e ? v : parseOther(buf, s, e);
}

/** Where the text read by the last {@link parseDecimalPrefix} ends, or −1 when it read no number. */
export let decimalPrefixEnd = -1;

/**
 * Reads the plain decimal (`[+-]digits[.digits]`) that starts at byte `s` and stops before `limit` or the first byte
 * that cannot continue it, for parsers that find the end of a field while reading it: sets
 * {@link decimalPrefixEnd} to where it stops and returns exactly what `Number()` gives for the bytes [s, that end).
 * Sets it to −1 (and returns NaN) when those bytes hold no digit or more than 18: then use
 * {@link parseDecimalBytes} on the whole field.
 * @param buf the bytes (latin1/ASCII text)
 * @param s first byte
 * @param limit the text ends here at the latest
 * @returns the number
 * @example parseDecimalPrefix(Buffer.from("2.5,7"), 0, 5) // => 2.5 (decimalPrefixEnd: 3)
 */
export function parseDecimalPrefix(buf: Uint8Array, s: number, limit: number): number {
  let i = s;
  let neg = 0;
  if (i < limit) {
    const c = buf[i];
    if (c === 45) {
      neg = 1;
      i++;
    } else if (c === 43) i++;
  }
  // The first 9 digits go into c0, the next 9 into c1 (int32 arithmetic: a chain of double multiply-adds is slower).
  let c0 = 0;
  let c1 = 0;
  let n = 0;
  for (; i < limit; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    if (n < 9) c0 = c0 * 10 + d;
    else if (n < 18) c1 = c1 * 10 + d;
    n++;
  }
  let frac = 0;
  if (i < limit && buf[i] === 46) {
    i++;
    const fracStart = i;
    for (; i < limit; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      if (n < 9) c0 = c0 * 10 + d;
      else if (n < 18) c1 = c1 * 10 + d;
      n++;
    }
    frac = i - fracStart;
  }
  if (n === 0 || n > 18) {
    decimalPrefixEnd = -1;
    return Number.NaN;
  }
  decimalPrefixEnd = i;
  // The digits' integer: computed exactly when below 2^53 (and then only; rounding is monotonic). frac <= n <= 18,
  // so 10^frac is exact too.
  const m = n <= 9 ? c0 : c0 * EXACT_POW10[n - 9] + c1;
  if (m < TWO_53) {
    const v = frac === 0 ? m : m / EXACT_POW10[frac];
    return neg ? -v : v;
  }
  return parseLong(buf, s, i, c0, c1, frac * 64 + n * 2 + neg);
}
