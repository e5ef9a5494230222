import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ByteWriter,
  bytesCacheSlot,
  formatFixed,
  parseDecimalBytes,
  valueCacheSlot,
} from "../../src/insights/fast-number.ts";
import { createRng } from "../../src/math/random.ts";

/** parseDecimalBytes on `text` inside a larger buffer (bytes around it must not matter). */
function parse(text: string): number {
  const b = Buffer.from(`9,${text},9`, "latin1");
  return parseDecimalBytes(b, 2, b.length - 2);
}

/** Asserts parseDecimalBytes gives Number()'s double for `text`, bit for bit (-0 and NaN included). */
function same(text: string): void {
  const want = Number(text);
  const got = parse(text);
  if (!Object.is(got, want)) assert.fail(`${JSON.stringify(text)}: got ${got}, Number() gives ${want}`);
}

const EDGE_CASES = [
  "",
  "0",
  "-0",
  "+0",
  "-0.0",
  "0.000",
  "007",
  "-007.50",
  "1.",
  "-1.",
  ".5",
  "-.5",
  "+.5",
  ".",
  "-",
  "+",
  "-.",
  "+3",
  "--3",
  "+-3",
  "1e3",
  "1E3",
  "1e-7",
  "-2.5e+10",
  "1e400",
  "1e-400",
  "0x1F",
  "0X1f",
  "-0x10",
  "0b101",
  "0o17",
  " 12 ",
  "\t12",
  "12\r",
  "\xa012",
  "Infinity",
  "-Infinity",
  "+Infinity",
  "infinity",
  "NaN",
  "abc",
  "1.2.3",
  "1,5",
  "1_000",
  "12a",
  "1 2",
  "29.714285714285715",
  "35.285714285714285",
  "-36.857142857142854",
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "9007199254740995",
  "90071992547409.93",
  "0.1",
  "0.2",
  "0.3",
  "123456789012345",
  "1234567890123456",
  "12345678901234567",
  "123456789012345678",
  "1234567890123456789",
  "12345678901234567890123456789",
  "0.0000000000000000000001", // 22 fraction digits
  "0.00000000000000000000001", // 23
  "1234567.000000000000000", // 15 zeros after the point
  "0.1234567890123456789012", // 22
  "0.12345678901234567890123", // 23
  "4.9406564584124654e-324",
  "2.2250738585072014e-308",
  "1.7976931348623157e308",
  "179769313486231580000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
  "0.000000000000000000000000000000000000000000001",
  "00000000000000000000000000000000000000000000012.5",
  "12.50000000000000000000000000000000000000000000000",
  "99999999999999999999",
  "8.5",
  "-8.25",
  "1000000000000000000000000",
];

describe("parseDecimalBytes", () => {
  it("gives Number()'s double, bit for bit, on edge cases", () => {
    for (const t of EDGE_CASES) same(t);
    assert.ok(Object.is(parse("-0"), -0));
    assert.ok(Number.isNaN(parse("1.2.3")));
  });

  it("gives Number()'s double for 200,000 random values in String(), toFixed() and toPrecision() forms", () => {
    const rng = createRng(20261123);
    for (let j = 0; j < 200_000; j++) {
      const u = rng.uniform();
      // magnitudes from 1e-12 to 1e12, some integers, some negative
      let x = 10 ** (24 * rng.uniform() - 12) * u;
      if (j % 7 === 0) x = Math.floor(x);
      if (j % 5 === 0) x = -x;
      if (j % 11 === 0) x = Math.round(rng.uniform() * 400) / 7; // days / 7
      const k = Math.floor(rng.uniform() * 21); // 0..20
      same(String(x));
      same(x.toFixed(k));
      same(x.toPrecision(k + 1));
    }
  });

  it("gives the same answers when repeated (cache hits) and when many values share cache slots", () => {
    const rng = createRng(7);
    // 20,000 distinct texts of each kind for caches of 4,096 slots: slots are shared by several texts, so lookups
    // that hit another text's entry must miss, and re-parsing after eviction must still be right.
    const texts: string[] = [];
    for (let j = 0; j < 20_000; j++) {
      const days = 1 + Math.floor(rng.uniform() * 100_000);
      texts.push(String(days / 7)); // mostly 16–17 digits: the value-keyed cache
      texts.push(`${(rng.uniform() * 1000).toExponential(8)}`); // exponents: the byte-keyed cache
    }
    for (let pass = 0; pass < 3; pass++) {
      for (const t of texts) {
        same(t);
        same(t); // at once again: a hit
      }
      texts.reverse();
    }
    // Texts whose digits are equal and whose sign or point differ are different keys.
    for (const t of ["12345678901234567", "1234567890123456.7", "123456789012345.67", "-123456789012345.67"]) {
      same(t);
      same(t);
    }
    for (const t of ["12345678901234567", "1234567890123456.7", "123456789012345.67", "-123456789012345.67"]) same(t);
    // Same text, different bytes around it in different buffers.
    const a = Buffer.from("x29.714285714285715y");
    const b = Buffer.from("29.714285714285716");
    assert.equal(parseDecimalBytes(a, 1, a.length - 1), 29.714285714285715);
    assert.equal(parseDecimalBytes(b, 0, b.length), Number("29.714285714285716"));
    assert.equal(parseDecimalBytes(a, 1, a.length - 1), 29.714285714285715);
  });

  it("tells apart texts that share a cache slot", () => {
    // Value-keyed cache: key of a plain decimal = first 9 digits, next 9 digits, frac · 64 + digit count · 2 + sign.
    const key = (t: string): [number, number, number] => {
      const neg = t.startsWith("-") ? 1 : 0;
      const body = t.replace(/^[-+]/, "");
      const point = body.indexOf(".");
      const digits = body.replace(".", "");
      const frac = point < 0 ? 0 : body.length - point - 1;
      return [Number(digits.slice(0, 9)), Number(digits.slice(9, 18) || "0"), frac * 64 + digits.length * 2 + neg];
    };
    const slot = (t: string) => valueCacheSlot(...key(t));
    // Check the key above is the one used: a text parsed is then found in its slot (parsing it after a text of the
    // same slot must still be right, which the cases below check).
    const firstBySlot = new Map<number, string>();
    const pairs: [string, string][] = [];
    // (a) same first 9 digits, point and sign; other last digits (18 digits: never the fast path)
    for (let j = 0; pairs.length < 20; j++) {
      const t = `987654321.${String(j * 7919).padStart(9, "0")}`;
      const other = firstBySlot.get(slot(t));
      if (other !== undefined) pairs.push([other, t]);
      else firstBySlot.set(slot(t), t);
    }
    // (b) same digits, other sign or point
    const variants = (d: string) => {
      const out: string[] = [];
      for (let p = 1; p < d.length; p++) out.push(`${d.slice(0, p)}.${d.slice(p)}`, `-${d.slice(0, p)}.${d.slice(p)}`);
      return out.filter((t) => Math.abs(Number(t.replace(".", ""))) >= 2 ** 53);
    };
    let found = 0;
    for (let j = 0; found < 5; j++) {
      const seen = new Map<number, string>();
      for (const t of variants(String(98765432100000000n + BigInt(j) * 1234567n))) {
        const other = seen.get(slot(t));
        if (other !== undefined) {
          pairs.push([other, t]);
          found++;
        } else seen.set(slot(t), t);
      }
    }
    for (const [a, b] of pairs) {
      assert.equal(slot(a), slot(b));
      for (const t of [a, b, a, a, b, b]) same(t);
    }
    // 18 digits that differ in the last one only, on either side of the midpoint between 1 and the next double
    assert.notEqual(Number("1.00000000000000011"), Number("1.00000000000000012"));
    for (const t of ["1.00000000000000011", "1.00000000000000012", "1.00000000000000011", "1.00000000000000012"])
      same(t);
    // Byte-keyed cache: texts of the same length whose bytes hash to the same slot ...
    const bySlot = new Map<number, Buffer>();
    let collisions = 0;
    for (let j = 0; collisions < 20; j++) {
      const b = Buffer.from(`${(j * 1.37).toExponential(6)}`);
      const s = bytesCacheSlot(b, 0, b.length);
      const other = bySlot.get(s);
      if (other !== undefined && other.length === b.length) {
        for (const t of [other, b, other, b, b]) same(t.toString("latin1"));
        collisions++;
      } else bySlot.set(s, b);
    }
    // ... and a text after a longer one that starts with it, in the same slot
    collisions = 0;
    for (let j = 1; collisions < 3; j++) {
      const long = Buffer.from(`${j}e-12`);
      const short = long.subarray(0, long.length - 1);
      if (bytesCacheSlot(long, 0, long.length) === bytesCacheSlot(short, 0, short.length)) {
        for (const t of [long, short, long, short]) same(t.toString("latin1"));
        collisions++;
      }
    }
  });

  it("reads bytes of a Uint8Array view with an offset", () => {
    const backing = Buffer.from("0123456789,-29.714285714285715,1e3");
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 10, backing.length - 10);
    assert.equal(parseDecimalBytes(view, 1, 20), -29.714285714285715);
    assert.equal(parseDecimalBytes(view, 21, 24), 1000);
  });
});

describe("ByteWriter.fixed", () => {
  it("writes what formatFixed writes", () => {
    const rng = createRng(11);
    const values = [
      0, -0, 1, -1, 2, 0.5, 1e-10, -1e-10, 5e-10, 123456789.12345679, 2147483647.5, 2147483648.25, 1e15, 9e15,
    ];
    for (let j = 0; j < 50_000; j++) {
      let x = 10 ** (20 * rng.uniform() - 10) * rng.uniform();
      if (j % 3 === 0) x = -x;
      if (j % 13 === 0) x = Math.round(x);
      values.push(x);
    }
    values.push(Number.NaN, Number.POSITIVE_INFINITY, 1e300, -1e300);
    for (const decimals of [0, 1, 2, 6, 9, 10, 12]) {
      const w = new ByteWriter(16);
      const want: string[] = [];
      for (const x of values) {
        w.fixed(x, decimals);
        w.byte(10);
        want.push(formatFixed(x, decimals));
      }
      assert.equal(w.bytes().toString("latin1"), `${want.join("\n")}\n`, `decimals ${decimals}`);
    }
  });
});
