import assert from "node:assert/strict";
import { test } from "node:test";

import {
  buildOffsetIndex, codePointToUtf16, toCodePoint, toUtf16, utf16ToCodePoint,
} from "../../static/annotator/offsets.js";

const TEXT = "a👍🏽 b 🇺🇦 e\u0301 “q” x\u00a0y שלום 😀";

test("code points and UTF-16 agree with Array.from on every position", () => {
  const index = buildOffsetIndex(TEXT);
  const codePoints = Array.from(TEXT);
  let u16 = 0;
  for (let cp = 0; cp <= codePoints.length; cp++) {
    assert.equal(toUtf16(index, cp), u16, `cp ${cp}`);
    assert.equal(toCodePoint(index, u16), cp, `u16 ${u16}`);
    if (cp < codePoints.length) u16 += codePoints[cp].length;
  }
  assert.equal(index.lengthCp, codePoints.length);
});

test("a position inside a surrogate pair maps to the pair's code point", () => {
  assert.equal(utf16ToCodePoint("a😀b", 2), 1);
});

test("one-off helpers match the index", () => {
  assert.equal(utf16ToCodePoint("😀ok", 2), 1);
  assert.equal(codePointToUtf16("😀ok", 1), 2);
  assert.equal(codePointToUtf16("plain", 3), 3);
});

test("out of range offsets throw", () => {
  const index = buildOffsetIndex("😀");
  assert.throws(() => toUtf16(index, 2), RangeError);
  assert.throws(() => toCodePoint(index, 3), RangeError);
});

test("a lone surrogate is one unit and one code point", () => {
  const index = buildOffsetIndex("a\ud800b");
  assert.equal(index.lengthCp, 3);
  assert.equal(toUtf16(index, 2), 2);
});
