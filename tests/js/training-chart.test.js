import assert from "node:assert/strict";
import { test } from "node:test";

import { curveGeometry } from "../../static/annotator/training-chart.js";

const curve = [
  { fraction: 0.25, documents: 2, overlap: { CLAIM: 0.5, SOURCE: null, CUE: 0 } },
  { fraction: 0.5, documents: 4, overlap: { CLAIM: 0.75, SOURCE: 0.5, CUE: 0.5 } },
  { fraction: 1, documents: 8, overlap: { CLAIM: 1, SOURCE: 1, CUE: 0.25 } },
];

test("points run left to right by documents and up by F1, inside the plot", () => {
  const g = curveGeometry(curve, { width: 340, height: 200 });
  const claim = g.lines.find((line) => line.label === "CLAIM").points;
  assert.deepEqual(claim.map((p) => p.documents), [2, 4, 8]);
  assert.equal(claim[0].x, g.plot.left);
  assert.equal(claim[2].x, g.plot.right);
  assert.equal(claim[2].y, g.plot.top);          // F1 1.0 at the top
  assert.ok(claim[0].y > claim[1].y && claim[1].y > claim[2].y);
  assert.deepEqual(g.xTicks.map((t) => t.text), ["2", "4", "8"]);
  assert.equal(g.yTicks[0].y, g.plot.bottom);    // 0.00 at the bottom
});

test("a label without a score at some point skips that point", () => {
  const g = curveGeometry(curve);
  const source = g.lines.find((line) => line.label === "SOURCE").points;
  assert.deepEqual(source.map((p) => p.documents), [4, 8]);
});

test("one point, or the same size throughout, sits in the middle", () => {
  const g = curveGeometry([{ documents: 3, overlap: { CLAIM: 0.5 } }], { width: 200 });
  const [point] = g.lines[0].points;
  assert.equal(point.x, (g.plot.left + g.plot.right) / 2);
});

test("the legend sits right of the plot, one row per label, clear of every point", () => {
  const g = curveGeometry(curve);
  assert.deepEqual(g.legend.rows.map((row) => row.label), ["CLAIM", "SOURCE", "CUE"]);
  const xs = g.lines.flatMap((line) => line.points.map((p) => p.x));
  assert.ok(g.legend.x > Math.max(...xs) && g.legend.x + 50 <= g.width);
  const ys = g.legend.rows.map((row) => row.y);
  assert.ok(ys[0] < ys[1] && ys[1] < ys[2] && ys[2] < g.plot.bottom);
});
