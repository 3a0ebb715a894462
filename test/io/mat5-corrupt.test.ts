// MAT v5 inputs whose sizes and counts disagree with their data: each is a clear error (or, for a
// long char array, a correct result) rather than an endless loop, a huge allocation or a stack
// overflow. The files are written here element by element.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readMat5 } from "../../src/io/mat5.js";

const MI_INT8 = 1, MI_INT32 = 5, MI_UINT32 = 6, MI_UINT16 = 4, MI_DOUBLE = 9, MI_MATRIX = 14;
const MX_CELL = 1, MX_STRUCT = 2, MX_CHAR = 4, MX_DOUBLE = 6;

/** One tagged data element, padded to 8 bytes. */
function element(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + Math.ceil(data.length / 8) * 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const i32 = (...v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
const u32 = (...v: number[]) => new Uint8Array(Uint32Array.from(v).buffer);

/** An miMATRIX element: flags, dimensions, name, then `rest`. */
function matrix(mxClass: number, dims: number[], name: string, ...rest: Uint8Array[]): Uint8Array {
  return element(MI_MATRIX, concat(element(MI_UINT32, u32(mxClass, 0)), element(MI_INT32, i32(...dims)), element(MI_INT8, new TextEncoder().encode(name)), ...rest));
}

function matFile(...variables: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode("MATLAB 5.0 MAT-file, written by the MarbleLab tests"), 0);
  header.fill(0, 116, 124);
  header.set([0x00, 0x01, 0x49, 0x4d], 124); // version 0x0100, "IM": little-endian
  return concat(header, ...variables);
}

test("a struct whose field names have length 0 is an error, not an endless loop", () => {
  const s = matrix(MX_STRUCT, [1, 1], "s", element(MI_INT32, i32(0)), element(MI_INT8, new TextEncoder().encode("abcdefgh")));
  assert.throws(() => readMat5(matFile(s)), /variable "s": corrupt struct \(field name length 0\)/);
});

test("a struct array without fields but with 10^8 elements is refused", () => {
  const s = matrix(MX_STRUCT, [1, 100_000_000], "s", element(MI_INT32, i32(32)), element(MI_INT8, new Uint8Array(0)));
  assert.throws(() => readMat5(matFile(s)), /variable "s": truncated or corrupt MAT-file \(a struct array of 100000000 elements × 0 fields/);
});

test("a cell array claiming more elements than its bytes hold is refused before reading", () => {
  const c = matrix(MX_CELL, [1, 2_000_000_000], "c", matrix(MX_DOUBLE, [1, 1], "", element(MI_DOUBLE, new Uint8Array(new Float64Array([1]).buffer))));
  assert.throws(() => readMat5(matFile(c)), /variable "c": truncated MAT-file \(a cell array of 2000000000 elements/);
});

test("negative dimensions and char arrays shorter than their dimensions are errors", () => {
  const neg = matrix(MX_DOUBLE, [-1, 3], "x", element(MI_DOUBLE, new Uint8Array(24)));
  assert.throws(() => readMat5(matFile(neg)), /variable "x": corrupt dimensions \[-1, 3\]/);
  const short = matrix(MX_CHAR, [1, 1_000_000_000], "t", element(MI_UINT16, new Uint8Array(new Uint16Array([104, 105]).buffer)));
  assert.throws(() => readMat5(matFile(short)), /variable "t": char array of 1000000000 characters holds only 2/);
});

test("a long char array reads (no call-stack overflow from spreading its codes)", () => {
  const n = 300_000;
  const codes = Uint16Array.from({ length: n }, (_, i) => 97 + (i % 26));
  const text = matrix(MX_CHAR, [1, n], "long", element(MI_UINT16, new Uint8Array(codes.buffer)));
  const v = readMat5(matFile(text)).long;
  assert.ok(v.kind === "char");
  assert.equal(v.value.length, n);
  assert.equal(v.value.slice(0, 3), "abc");
  assert.equal(v.value.at(-1), String.fromCharCode(97 + ((n - 1) % 26)));
});

test("cells nested hundreds deep are refused instead of overflowing the stack", () => {
  let inner = matrix(MX_DOUBLE, [1, 1], "", element(MI_DOUBLE, new Uint8Array(new Float64Array([7]).buffer)));
  for (let d = 0; d < 300; d++) inner = matrix(MX_CELL, [1, 1], d === 299 ? "deep" : "", inner);
  assert.throws(() => readMat5(matFile(inner)), /cells or structs nested more than 256 deep/);
  let ok = matrix(MX_DOUBLE, [1, 1], "", element(MI_DOUBLE, new Uint8Array(new Float64Array([7]).buffer)));
  for (let d = 0; d < 20; d++) ok = matrix(MX_CELL, [1, 1], d === 19 ? "nested" : "", ok);
  let v = readMat5(matFile(ok)).nested;
  for (let d = 0; d < 20; d++) {
    assert.ok(v.kind === "cell");
    v = v.items[0];
  }
  assert.ok(v.kind === "numeric" && v.data[0] === 7);
});

test("array flags stored as 64-bit integers are an error, not a BigInt TypeError (found by fuzzing)", () => {
  const MI_UINT64 = 13;
  const body = concat(element(MI_UINT64, new Uint8Array(new BigUint64Array([6n]).buffer)), element(MI_INT32, i32(1, 1)), element(MI_INT8, new TextEncoder().encode("x")));
  assert.throws(() => readMat5(matFile(element(MI_MATRIX, body))), (err: Error) => {
    assert.ok(!(err instanceof TypeError), err.message);
    assert.match(err.message, /MAT buffer: corrupt MAT-file \(array flags are not a uint32 element\)/);
    return true;
  });
});
