import assert from "node:assert/strict";
import { test } from "node:test";

import { chunkAt, chunkLines, chunkOfBlock, chunksInBand, chunksOf, lastAtOrBefore, viewportPlan } from "../../static/annotator/chunks.js";
import { blocks } from "../../static/annotator/layout.js";

const paragraphs = (n, size) => Array.from({ length: n }, (_, i) => `${i} `.padEnd(size - 2, "x")).join("\n\n");

test("chunks group consecutive blocks, cover the text exactly and keep to the size", () => {
  const text = paragraphs(200, 700);
  const list = blocks(text);
  const chunks = chunksOf(list, 6000);
  assert.equal(chunks[0].first, 0);
  assert.equal(chunks.at(-1).last, list.length - 1);
  assert.equal(chunks[0].start, 0);
  assert.equal(chunks.at(-1).end, text.length);
  for (let i = 1; i < chunks.length; i++) {
    assert.equal(chunks[i].first, chunks[i - 1].last + 1);
    assert.equal(chunks[i].start, chunks[i - 1].end);
  }
  assert.ok(chunks.every((c) => c.end - c.start <= 6000));
  assert.ok(chunks.length < list.length / 5, "several blocks a chunk");
});

test("a block longer than a chunk is a chunk of its own", () => {
  const list = [{ start: 0, end: 10 }, { start: 10, end: 9000 }, { start: 9000, end: 9010 }];
  assert.deepEqual(chunksOf(list, 6000).map((c) => [c.first, c.last]), [[0, 0], [1, 1], [2, 2]]);
  assert.deepEqual(chunksOf([], 6000), []);
});

test("chunkAt and chunkOfBlock find the chunk of a position and of a block", () => {
  const chunks = [{ first: 0, last: 2, start: 0, end: 30 }, { first: 3, last: 3, start: 30, end: 50 },
    { first: 4, last: 9, start: 50, end: 80 }];
  assert.equal(chunkAt(chunks, 0), 0);
  assert.equal(chunkAt(chunks, 29), 0);
  assert.equal(chunkAt(chunks, 30), 1);
  assert.equal(chunkAt(chunks, 80), 2, "the text's end is in the last chunk");
  assert.equal(chunkOfBlock(chunks, 2), 0);
  assert.equal(chunkOfBlock(chunks, 3), 1);
  assert.equal(chunkOfBlock(chunks, 9), 2);
});

test("lastAtOrBefore finds the last entry not after a value", () => {
  assert.equal(lastAtOrBefore([0, 5, 9], 4), 0);
  assert.equal(lastAtOrBefore([0, 5, 9], 5), 1);
  assert.equal(lastAtOrBefore([0, 5, 9], 100), 2);
  assert.equal(lastAtOrBefore([{ u: 3 }, { u: 8 }], 8, (x) => x.u), 1);
});

test("the chunks drawn in full at first are those whose estimated place meets the band", () => {
  // Heights 1000, 1000, 500, 2000 px: the chunks span [0, 1000), [1000, 2000), [2000, 2500), [2500, 4500).
  const heights = [1000, 1000, 500, 2000];
  assert.deepEqual(chunksInBand(heights, -1200, 2100), [0, 1, 2], "the viewport at the top and the near margin");
  assert.deepEqual(chunksInBand(heights, -1200, 2000), [0, 1], "a chunk beginning at the band's end is left out");
  assert.deepEqual(chunksInBand(heights, 2400, 2600), [2, 3], "a band further down");
  assert.deepEqual(chunksInBand(heights, 9000, 9900), [0], "beyond the text: the first one");
  assert.deepEqual(chunksInBand([], 0, 900), []);
});

test("the plan draws near chunks in full and far ones light, nothing in between", () => {
  const plan = viewportPlan({ full: new Set([1, 2, 7]), near: new Set([2, 3, 4]), far: new Set([7, 9]) });
  assert.deepEqual(plan, { hydrate: [3, 4], lighten: [7] });
  // Chunk 1 is drawn in full, neither near nor far: it stays so (no drawing to and fro).
  assert.deepEqual(viewportPlan({ full: new Set([1]), near: new Set(), far: new Set() }), { hydrate: [], lighten: [] });
  // Near wins over far (both observers may not have reported yet).
  assert.deepEqual(viewportPlan({ full: new Set([5]), near: new Set([5]), far: new Set([5]) }), { hydrate: [], lighten: [] });
});

test("a chunk's lines: a paragraph wraps, a blank line is one, the chunk's end is respected", () => {
  const text = `${"x".repeat(250)}\n\nshort\n\n`;
  assert.equal(chunkLines(text, { start: 0, end: text.length }, 100), 3 + 1 + 1 + 1);
  assert.equal(chunkLines(text, { start: 0, end: 252 }, 100), 3 + 1);
  assert.equal(chunkLines(text, { start: 252, end: text.length }, 100), 1 + 1);
  assert.equal(chunkLines("no break at all", { start: 0, end: 15 }, 100), 1);
});
