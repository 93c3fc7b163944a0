import assert from "node:assert/strict";
import { test } from "node:test";

import { assignLanes, blockAt, blockRange, blocks, loneCrs, segments } from "../../static/annotator/layout.js";

test("blocks cover the text exactly, end at paragraphs and respect the maximum", () => {
  const text = "First para.\n\nSecond para is longer.\n\n" + "word ".repeat(3000);
  const list = blocks(text, 1000);
  assert.equal(list[0].start, 0);
  assert.equal(list.at(-1).end, text.length);
  for (let i = 1; i < list.length; i++) assert.equal(list[i].start, list[i - 1].end);
  assert.equal(text.slice(list[0].start, list[0].end), "First para.\n\n");
  assert.ok(list.every((b) => b.end - b.start <= 1001));
});

test("blocks never split a surrogate pair", () => {
  const text = "😀".repeat(3000);
  for (const b of blocks(text, 999)) {
    const first = text.charCodeAt(b.start);
    assert.ok(!(first >= 0xdc00 && first <= 0xdfff), `block starts inside a pair at ${b.start}`);
  }
});

test("blockAt and blockRange find the blocks of a position and a span", () => {
  const list = [{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 25 }];
  assert.equal(blockAt(list, 0), 0);
  assert.equal(blockAt(list, 10), 1);
  assert.equal(blockAt(list, 25), 2);
  assert.deepEqual(blockRange(list, 5, 10), [0, 0]);
  assert.deepEqual(blockRange(list, 5, 21), [0, 2]);
});

test("segments split at every boundary and list the covering spans", () => {
  const spans = [{ id: 1, start: 2, end: 8 }, { id: 2, start: 4, end: 6 }, { id: 3, start: 6, end: 12 }];
  const result = segments(0, 10, spans).map((s) => [s.start, s.end, s.ids]);
  assert.deepEqual(result, [
    [0, 2, []], [2, 4, [1]], [4, 6, [1, 2]], [6, 8, [1, 3]], [8, 10, [3]],
  ]);
});

test("nested and overlapping spans keep one lane each", () => {
  const lanes = assignLanes([{ id: 1, start: 0, end: 10 }, { id: 2, start: 2, end: 4 },
    { id: 3, start: 5, end: 12 }, { id: 4, start: 11, end: 13 }]);
  assert.equal(lanes.get(1), 0);
  assert.notEqual(lanes.get(2), lanes.get(1));
  assert.notEqual(lanes.get(3), lanes.get(1));
  assert.equal(lanes.get(4), 0);
});

test("segments of a long text with many spans stay linear in size", () => {
  const spans = Array.from({ length: 2000 }, (_, i) => ({ id: i, start: i * 10, end: i * 10 + 5 }));
  const result = segments(0, 20000, spans);
  assert.equal(result.length, 4000);
});

test("lone carriage returns get a segment of their own; CRLF pairs do not", () => {
  const text = "Old\rMac\r\nand Windows\rend";
  const crs = loneCrs(text, 0, text.length);
  assert.deepEqual(crs, [3, 20]);
  const segs = segments(0, text.length, [{ id: 1, start: 0, end: 7 }], crs);
  assert.deepEqual(segs.map((s) => text.slice(s.start, s.end)), ["Old", "\r", "Mac", "\r\nand Windows", "\r", "end"]);
  assert.deepEqual(segs.map((s) => s.ids), [[1], [1], [1], [], [], []]);
  assert.deepEqual(loneCrs("a\r", 0, 2), [1]);  // at the very end of the text
});

test("a paragraph of a CRLF text ends a block", () => {
  const text = "First para.\r\n\r\nSecond.";
  assert.equal(text.slice(...Object.values(blocks(text)[0])), "First para.\r\n\r\n");
});
