import assert from "node:assert/strict";
import { test } from "node:test";

import {
  anchorBox, arcAt, arcIndex, arcPath, arrowAt, assignLevels, bridgePath, layoutBlock, legsOf, lineBoxes, MAX_LEVEL,
  spread,
} from "../../static/annotator/arcs-geometry.js";

const positions = { s: 10, c: 25, k1: 40, k2: 90, far: 500 };
const pos = (key) => (key in positions ? positions[key] : null);

test("legs run source → cue → the nearest claim fragment, fragments joined in text order", () => {
  assert.deepEqual(legsOf({ source: "s", cue: "c", claims: ["k2", "k1"] }, pos), [
    { from: "s", to: "c", role: "source" },
    { from: "c", to: "k1", role: "cue" },
    { from: "k1", to: "k2", role: "fragment" },
  ]);
  // No cue: the source goes to the claim; no source: the cue does; neither: only the joins.
  assert.deepEqual(legsOf({ source: "s", cue: null, claims: ["k1"] }, pos), [{ from: "s", to: "k1", role: "source" }]);
  assert.deepEqual(legsOf({ source: null, cue: "c", claims: ["k1"] }, pos), [{ from: "c", to: "k1", role: "cue" }]);
  assert.deepEqual(legsOf({ source: null, cue: null, claims: ["k1"] }, pos), []);
  // A span not shown (pos null) is left out, and the legs close over it.
  assert.deepEqual(legsOf({ source: "s", cue: "gone", claims: ["k1"] }, pos), [{ from: "s", to: "k1", role: "source" }]);
  // The cue goes to the claim fragment nearest to it, before or after.
  assert.deepEqual(legsOf({ source: null, cue: "c", claims: ["far", "k1"] }, pos)[0], { from: "c", to: "k1", role: "cue" });
});

test("a span's client rects become one box per line", () => {
  const boxes = lineBoxes([
    { left: 50, right: 80, top: 10, bottom: 30 },
    { left: 80, right: 120, top: 11, bottom: 31 },   // the next segment, same line
    { left: 0, right: 40, top: 50, bottom: 70 },      // wrapped to the next line
    { left: 5, right: 5, top: 90, bottom: 90 },       // empty: ignored
  ]);
  assert.deepEqual(boxes, [{ left: 50, right: 120, top: 10, bottom: 31 }, { left: 0, right: 40, top: 50, bottom: 70 }]);
  assert.equal(anchorBox(boxes, true), boxes[1]);
  assert.equal(anchorBox(boxes, false), boxes[0]);
});

test("overlapping arcs on a line get different levels, narrow ones lower, disjoint ones the same", () => {
  const levels = assignLevels([
    { left: 0, right: 100 },   // spans the two below: above them
    { left: 10, right: 30 },
    { left: 40, right: 60 },
    { left: 200, right: 220 }, // apart from all: lowest
    { left: 50, right: 80 },   // crosses the third
  ]);
  assert.deepEqual(levels, [2, 0, 0, 0, 1]);
  const many = assignLevels(Array.from({ length: 8 }, (_, i) => ({ left: 0, right: 10 + i })));
  assert.equal(Math.max(...many), MAX_LEVEL);
});

test("several arcs ending on one span are spread along it, inside it", () => {
  assert.deepEqual(spread({ left: 0, right: 100 }, 1), [50]);
  assert.deepEqual(spread({ left: 0, right: 100 }, 3), [44, 50, 56]);
  const tight = spread({ left: 0, right: 10 }, 5);
  assert.ok(tight.every((x) => x >= 2 && x <= 8), String(tight));
});

test("paths: an arc rises above both ends, a bridge runs under the upper line, arrows point into the span", () => {
  const arc = arcPath({ x: 10, y: 50 }, { x: 110, y: 50 }, 12);
  assert.equal(arc.d, "M10 50C10 38 110 38 110 50");
  assert.ok(Math.min(...arc.points.map((p) => p.y)) < 50 - 8);
  assert.deepEqual(arc.points[0], { x: 10, y: 50 });
  assert.deepEqual(arc.points.at(-1), { x: 110, y: 50 });
  // The head of an arc coming down onto its span: tip at the end, base above it.
  assert.equal(arrowAt({ x: 110, y: 50 }, { x: 110, y: 38 }), "M110 50L107 45L113 45Z");
  const bridge = bridgePath({ x: 200, y: 30 }, { x: 20, y: 60 }, 36);
  assert.equal(bridge.d, "M200 30C200 36 20 36 20 60");
  assert.ok(bridge.points.every((p) => p.y >= 30 && p.y <= 60));
});

test("the arc under the pointer is found by distance to its path", () => {
  const arcs = [{ id: "a", points: [{ x: 0, y: 0 }, { x: 100, y: 0 }] }, { id: "b", points: [{ x: 0, y: 10 }, { x: 100, y: 10 }] }];
  assert.equal(arcAt(arcs, { x: 50, y: 2 }), "a");
  assert.equal(arcAt(arcs, { x: 50, y: 8 }), "b");
  assert.equal(arcAt(arcs, { x: 50, y: 30 }), null);
  assert.equal(arcAt(arcs, { x: 103, y: 0 }), "a");
});

// One block, one line: "SOURCE CUE CLAIM", and a source whose claim is in the next block.
function block() {
  const boxes = {
    s: [{ left: 0, right: 40, top: 20, bottom: 40 }],
    c: [{ left: 50, right: 70, top: 20, bottom: 40 }],
    k: [{ left: 80, right: 200, top: 20, bottom: 40 }, { left: 0, right: 60, top: 60, bottom: 80 }],
    s2: [{ left: 100, right: 140, top: 60, bottom: 80 }],
  };
  const where = { s: 0, c: 10, k: 20, s2: 90, next: 400 };
  return {
    attributions: [{ id: "1", source: "s", cue: "c", claims: ["k"] }, { id: "2", source: "s2", cue: null, claims: ["next"] },
      { id: "3", source: "s2", cue: null, claims: ["k"] }],
    pos: (k) => (k in where ? where[k] : null),
    inBlock: (k) => (k === "next" ? "after" : k in boxes),
    boxesOf: (k) => boxes[k] || [],
    height: 100,
  };
}

test("a block's arcs: legs inside it are arcs, a leg to another block a stub to its edge", () => {
  const arcs = layoutBlock(block());
  assert.deepEqual(arcs.map((a) => [a.id, a.role, a.stub]), [
    ["1", "source", false], ["1", "cue", false], ["2", "source", true], ["3", "source", false]]);
  const [sc, ck, out, back] = arcs;
  assert.match(sc.d, /^M20 20C20 9 /);            // from the top of the source, rising 11 px
  assert.match(ck.d, / 140 20$/);                   // to the top of the claim's first line, its middle
  // s2 has two legs: the one to the next block leaves on its right, the one back to the
  // claim (to the left) on its left, 6 px apart.
  assert.equal(out.d, "M123 80L123 100");           // down from the source to the block's bottom
  assert.ok(out.arrow);
  // From s2 (second line) back up to the claim: it starts at s2's top and ends under the
  // claim's last line, which is the same line: an arc over that line.
  assert.match(back.d, /^M117 60C117 49 30 49 30 60$/);
});

test("the arc index puts an attribution in every block its spans touch, and lists it under each span", () => {
  const blockList = [{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 30 }];
  const spans = { s: { s16: 2, e16: 10 }, c: { s16: 8, e16: 12 }, k: { s16: 25, e16: 30 }, k2: { s16: 20, e16: 21 } };
  const one = { id: 1, source: "s", cue: null, claims: ["k"] };
  const two = { id: 2, source: undefined, cue: "c", claims: ["k2", "gone"] };
  const { index, byKey } = arcIndex(blockList, [one, two], (key) => spans[key] || null);
  // "s" ends where block 1 starts: not in it; "c" crosses from block 0 into block 1.
  assert.deepEqual([...index.entries()].sort(([a], [b]) => a - b), [[0, [one, two]], [1, [two]], [2, [one, two]]]);
  // Every key an attribution names is listed, shown or not (null and undefined are not keys).
  assert.deepEqual([...byKey.entries()], [["s", [1]], ["k", [1]], ["c", [2]], ["k2", [2]], ["gone", [2]]]);
});
