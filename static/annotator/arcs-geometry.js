// Where an attribution's arcs go, without the DOM (node --test loads it): the legs
// source → cue → claim (a split claim's fragments joined), their end points on the
// spans' line boxes, their heights, the SVG path data, and which arc is under the
// pointer. Coordinates are CSS pixels relative to the block the arcs are drawn in.

import { blockAt } from "./layout.js";

export const BASE_HEIGHT = 11;  // px: the control points of the lowest arc above the text
export const LEVEL_STEP = 4;    // px between two arcs that would overlap on a line
export const MAX_LEVEL = 2;
export const BRIDGE_PX = 5;     // px below a line where an arc to the next line runs
export const SPREAD_PX = 6;     // px between two arcs ending on one span
const SAME_LINE_PX = 4;
const ARROW = { length: 5, half: 3 };

// Where the arcs go, by block and by span: index maps a block's index to the attributions
// drawn in it (each block one of their spans touches), byKey a span key to the ids of the
// attributions using it. blockList: [{start, end}]; span(key): {s16, e16} or null.
export function arcIndex(blockList, attributions, span) {
  const index = new Map();
  const byKey = new Map();
  for (const a of attributions) {
    const at = new Set();
    for (const key of [a.source, a.cue, ...a.claims]) {
      if (key === null || key === undefined) continue;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push(a.id);
      const s = span(key);
      if (!s) continue;
      const [first, last] = [blockAt(blockList, s.s16), blockAt(blockList, Math.max(s.s16, s.e16 - 1))];
      for (let i = first; i <= last; i++) at.add(i);
    }
    for (const i of at) {
      if (!index.has(i)) index.set(i, []);
      index.get(i).push(a);
    }
  }
  return { index, byKey };
}

// The legs of one attribution {source, cue, claims} (span keys); pos(key) is the
// span's position in the text (a number), or null for a span not shown. A leg is
// {from, to, role}: role is the label role of its start ("source", "cue") or
// "fragment" for the joins between claim fragments, in text order.
export function legsOf(attribution, pos) {
  const claims = attribution.claims.filter((k) => k !== null && k !== undefined && pos(k) !== null)
    .slice().sort((a, b) => pos(a) - pos(b));
  const source = attribution.source !== null && attribution.source !== undefined && pos(attribution.source) !== null
    ? attribution.source : null;
  const cue = attribution.cue !== null && attribution.cue !== undefined && pos(attribution.cue) !== null
    ? attribution.cue : null;
  const legs = [];
  const nearestClaim = (key) => claims.reduce((best, k) =>
    (best === null || Math.abs(pos(k) - pos(key)) < Math.abs(pos(best) - pos(key)) ? k : best), null);
  if (source !== null && cue !== null) legs.push({ from: source, to: cue, role: "source" });
  const last = cue !== null ? cue : source;
  if (last !== null && claims.length) {
    legs.push({ from: last, to: nearestClaim(last), role: last === cue ? "cue" : "source" });
  }
  for (let i = 1; i < claims.length; i++) legs.push({ from: claims[i - 1], to: claims[i], role: "fragment" });
  return legs;
}

// Client rects (already relative to the block) of a span's segments, merged into one
// box per line: [{left, right, top, bottom}] from the first line to the last.
export function lineBoxes(rects) {
  const boxes = [];
  for (const r of rects) {
    if (r.right - r.left <= 0 && r.bottom - r.top <= 0) continue;
    const box = boxes.find((b) => Math.abs(b.top - r.top) < SAME_LINE_PX);
    if (box) {
      box.left = Math.min(box.left, r.left);
      box.right = Math.max(box.right, r.right);
      box.bottom = Math.max(box.bottom, r.bottom);
    } else {
      boxes.push({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
    }
  }
  return boxes.sort((a, b) => a.top - b.top || a.left - b.left);
}

// The line box a leg leaves or reaches: the span's last line when the other end comes
// later in the text, its first line otherwise.
export function anchorBox(boxes, otherIsLater) {
  return otherIsLater ? boxes[boxes.length - 1] : boxes[0];
}

// Levels for the arcs of one line ({left, right}): the narrowest first, each one
// above every arc it overlaps that is already placed, so crossing or nested arcs get
// different heights. Answers the levels in the input's order (0 the lowest).
export function assignLevels(intervals) {
  const order = intervals.map((iv, i) => i)
    .sort((a, b) => (intervals[a].right - intervals[a].left) - (intervals[b].right - intervals[b].left) || a - b);
  const levels = new Array(intervals.length).fill(0);
  const placed = [];
  for (const i of order) {
    const iv = intervals[i];
    let level = 0;
    for (const j of placed) {
      const other = intervals[j];
      if (other.left < iv.right && iv.left < other.right) level = Math.max(level, levels[j] + 1);
    }
    levels[i] = Math.min(level, MAX_LEVEL);
    placed.push(i);
  }
  return levels;
}

// x positions for n arcs ending on one box: spread around its centre, inside it.
export function spread(box, n) {
  const centre = (box.left + box.right) / 2;
  const room = Math.max(0, (box.right - box.left) / 2 - 2);
  const step = n > 1 ? Math.min(SPREAD_PX, (2 * room) / (n - 1)) : 0;
  return Array.from({ length: n }, (_, i) => centre + (i - (n - 1) / 2) * step);
}

const r1 = (v) => Math.round(v * 10) / 10;

// A cubic from a to b rising `height` above them; its arrowhead at b (pointing down
// into the span) and points along it for hit testing.
export function arcPath(a, b, height) {
  const c1 = { x: a.x, y: a.y - height };
  const c2 = { x: b.x, y: b.y - height };
  const d = `M${r1(a.x)} ${r1(a.y)}C${r1(c1.x)} ${r1(c1.y)} ${r1(c2.x)} ${r1(c2.y)} ${r1(b.x)} ${r1(b.y)}`;
  return { d, arrow: arrowAt(b, c2), points: sampleCubic(a, c1, c2, b, 12) };
}

// A leg between two lines, from the bottom of the upper span to the top of the lower
// one (or back up): it runs along the gap under the upper line, at midY, not through text.
export function bridgePath(a, b, midY) {
  const c1 = { x: a.x, y: midY };
  const c2 = { x: b.x, y: midY };
  const d = `M${r1(a.x)} ${r1(a.y)}C${r1(c1.x)} ${r1(c1.y)} ${r1(c2.x)} ${r1(c2.y)} ${r1(b.x)} ${r1(b.y)}`;
  return { d, arrow: arrowAt(b, c2), points: sampleCubic(a, c1, c2, b, 12) };
}

// A leg that leaves the block: from the span at a straight to the block's edge at y.
export function stubPath(a, edgeY, arrowAtEdge) {
  const b = { x: a.x, y: edgeY };
  const d = `M${r1(a.x)} ${r1(a.y)}L${r1(b.x)} ${r1(b.y)}`;
  return { d, arrow: arrowAtEdge ? arrowAt(b, a) : "", points: [a, b] };
}

// A small filled triangle with its tip at `tip`, pointing away from `from`.
export function arrowAt(tip, from) {
  const dx = tip.x - from.x;
  const dy = tip.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const bx = tip.x - ux * ARROW.length;
  const by = tip.y - uy * ARROW.length;
  return `M${r1(tip.x)} ${r1(tip.y)}L${r1(bx - uy * ARROW.half)} ${r1(by + ux * ARROW.half)}`
    + `L${r1(bx + uy * ARROW.half)} ${r1(by - ux * ARROW.half)}Z`;
}

function sampleCubic(p0, p1, p2, p3, n) {
  const points = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const u = 1 - t;
    const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
    points.push({ x: w[0] * p0.x + w[1] * p1.x + w[2] * p2.x + w[3] * p3.x,
      y: w[0] * p0.y + w[1] * p1.y + w[2] * p2.y + w[3] * p3.y });
  }
  return points;
}

function distanceToSegment(p, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// The id of the arc ({id, points}) nearest to p, if within `tolerance` px; else null.
export function arcAt(arcs, p, tolerance = 4) {
  let best = null;
  let bestDistance = tolerance;
  for (const arc of arcs) {
    for (let i = 1; i < arc.points.length; i++) {
      const distance = distanceToSegment(p, arc.points[i - 1], arc.points[i]);
      if (distance <= bestDistance) {
        best = arc.id;
        bestDistance = distance;
      }
    }
  }
  return best;
}

// Every arc of one block. attributions: [{id, source, cue, claims, ...}] that touch it;
// pos(key): text position or null; inBlock(key): true when the span is drawn in this
// block, "before"/"after" when it is in an earlier/later block, false when not shown;
// boxesOf(key): its line boxes here; height: the block's height. Answers
// [{id, role, d, arrow, points, stub}] with the attribution's id on each.
export function layoutBlock({ attributions, pos, inBlock, boxesOf, height }) {
  const legs = [];
  for (const a of attributions) {
    for (const leg of legsOf(a, pos)) {
      const from = inBlock(leg.from);
      const to = inBlock(leg.to);
      if (from === true && to === true) legs.push({ a, leg, kind: "arc" });
      else if (from === true && (to === "before" || to === "after")) legs.push({ a, leg, kind: "out", edge: to });
      else if (to === true && (from === "before" || from === "after")) legs.push({ a, leg, kind: "in", edge: from });
    }
  }
  // End points: each end on a line box, those sharing a box spread along it.
  const ends = new Map(); // box → [{leg, side, otherX}]
  const endOf = (entry, side) => {
    const key = side === "from" ? entry.leg.from : entry.leg.to;
    const otherKey = side === "from" ? entry.leg.to : entry.leg.from;
    const boxes = boxesOf(key);
    if (!boxes.length) return null;
    const otherLater = entry.kind === "arc" ? pos(otherKey) > pos(key) : entry.edge === "after";
    return anchorBox(boxes, otherLater);
  };
  for (const entry of legs) {
    entry.boxes = {};
    for (const side of ["from", "to"]) {
      if ((side === "from" && entry.kind === "in") || (side === "to" && entry.kind === "out")) continue;
      const box = endOf(entry, side);
      if (!box) { entry.skip = true; continue; }
      entry.boxes[side] = box;
      if (!ends.has(box)) ends.set(box, []);
      ends.get(box).push({ entry, side });
    }
  }
  const centre = (box) => (box.left + box.right) / 2;
  for (const [box, list] of ends) {
    const otherX = ({ entry, side }) => {
      const other = entry.boxes[side === "from" ? "to" : "from"];
      return other ? centre(other) + (other.top - box.top) * 4 : centre(box) + (entry.edge === "after" ? 1e4 : -1e4);
    };
    list.sort((p, q) => otherX(p) - otherX(q));
    spread(box, list.length).forEach((x, i) => { list[i].entry[`${list[i].side}X`] = x; });
  }
  const arcs = legs.filter((e) => !e.skip && e.kind === "arc");
  // Heights: the arcs over one line are levelled together, and so are those under it.
  const lines = new Map();
  for (const e of arcs) {
    e.sameLine = Math.abs(e.boxes.from.top - e.boxes.to.top) < SAME_LINE_PX;
    const upper = Math.min(e.boxes.from.top, e.boxes.to.top);
    const line = e.sameLine ? Math.round(upper) : `below ${Math.round(upper)}`;
    if (!lines.has(line)) lines.set(line, []);
    lines.get(line).push(e);
  }
  for (const group of lines.values()) {
    const levels = assignLevels(group.map((e) => ({ left: Math.min(e.fromX, e.toX), right: Math.max(e.fromX, e.toX) })));
    group.forEach((e, i) => { e.level = levels[i]; });
  }
  const result = [];
  for (const e of legs) {
    if (e.skip) continue;
    let path;
    if (e.kind === "arc" && e.sameLine) {
      const a = { x: e.fromX, y: e.boxes.from.top };
      const b = { x: e.toX, y: e.boxes.to.top };
      path = arcPath(a, b, BASE_HEIGHT + LEVEL_STEP * e.level);
    } else if (e.kind === "arc") {
      const down = e.boxes.from.top < e.boxes.to.top;
      const upper = down ? e.boxes.from : e.boxes.to;
      const a = { x: e.fromX, y: down ? e.boxes.from.bottom : e.boxes.from.top };
      const b = { x: e.toX, y: down ? e.boxes.to.top : e.boxes.to.bottom };
      const lower = down ? b.y : a.y;
      path = bridgePath(a, b, Math.min(upper.bottom + BRIDGE_PX + 3 * e.level, (upper.bottom + lower) / 2));
    } else {
      const box = e.boxes[e.kind === "out" ? "from" : "to"];
      const x = e[e.kind === "out" ? "fromX" : "toX"];
      const edgeY = e.edge === "before" ? 0 : height;
      const start = { x, y: e.edge === "before" ? box.top : box.bottom };
      path = stubPath(start, edgeY, e.kind === "out");
      if (e.kind === "in") path.arrow = arrowAt(start, { x, y: edgeY });
    }
    result.push({ id: e.a.id, role: e.leg.role, stub: e.kind !== "arc", ...path });
  }
  return result;
}
