/**
 * Fast fixed-point formatting of numbers for large CSV outputs: `decimals` digits after the point through integer
 * arithmetic (several times faster than Number#toString's shortest round-trip form). Values too large for an exact
 * integer at that scale, and non-finite values, fall back to the ordinary forms.
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
    if (scaled === 0) {
      this.buf[this.pos++] = 48;
      return;
    }
    if (x < 0) this.buf[this.pos++] = 45;
    let intPart = Math.floor(scaled / scale);
    const frac = scaled - intPart * scale;
    // integer digits (int32 arithmetic when it fits)
    let k = 0;
    if (intPart < 2147483648) {
      let ip = intPart | 0;
      do {
        const q = (ip / 10) | 0;
        this.digits[k++] = ip - q * 10;
        ip = q;
      } while (ip > 0);
    } else {
      do {
        const q = Math.floor(intPart / 10);
        this.digits[k++] = intPart - q * 10;
        intPart = q;
      } while (intPart > 0);
    }
    while (k > 0) this.buf[this.pos++] = 48 + this.digits[--k];
    if (frac === 0) return;
    // decimals <= 9 keeps frac below 2^31
    let fr = decimals <= 9 ? frac | 0 : frac;
    let d = decimals;
    while (fr % 10 === 0) {
      fr = decimals <= 9 ? (fr / 10) | 0 : fr / 10;
      d--;
    }
    this.buf[this.pos++] = 46;
    for (let i = d - 1; i >= 0; i--) {
      const q = decimals <= 9 ? (fr / 10) | 0 : Math.floor(fr / 10);
      this.digits[i] = fr - q * 10;
      fr = q;
    }
    for (let i = 0; i < d; i++) this.buf[this.pos++] = 48 + this.digits[i];
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}
