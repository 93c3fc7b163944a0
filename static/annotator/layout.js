// Layout of a document as blocks and segments, without the DOM.
//
// The text is cut into blocks (paragraphs, or pieces of at most BLOCK_MAX
// units), so that an edit re-renders only the blocks it touches: no work on
// an edit grows with the length of the document. Inside a block, segments
// are the stretches between span boundaries, each with the spans covering
// it. All positions here are UTF-16 units (offsets.js converts).

export const BLOCK_MAX = 4000;

export function blocks(text, max = BLOCK_MAX) {
  const result = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + max);
    if (end < text.length) {
      // Prefer to end after a blank line, then after a line break, then after a space.
      const window = text.slice(start, end);
      const cut = [window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" ")]
        .find((i) => i > max / 4);
      if (cut !== undefined) end = start + cut + 1;
      // Never cut a surrogate pair in two.
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end += 1;
    }
    // A paragraph ends a block (searching this block's window only: linear overall). Texts
    // are stored as imported, so a paragraph may end "\r\n\r\n" too.
    const paragraph = /\n\r?\n/.exec(text.slice(start, end));
    if (paragraph && start + paragraph.index + paragraph[0].length < end) {
      end = start + paragraph.index + paragraph[0].length;
    }
    result.push({ start, end });
    start = end;
  }
  return result;
}

// Index of the block that contains position `pos` (the last block for pos = length).
export function blockAt(blockList, pos) {
  let lo = 0;
  let hi = blockList.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (blockList[mid].start <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// The blocks a span [start, end) touches: [first, last].
export function blockRange(blockList, start, end) {
  return [blockAt(blockList, start), blockAt(blockList, Math.max(start, end - 1))];
}

// Positions of the lone carriage returns in [from, to): "\r" not followed by "\n" (old Mac
// line ends; texts are stored exactly as imported). Chromium draws a "\r" as nothing, not as
// a line break, so the renderers give each lone one a segment of its own (class ann-cr) whose
// CSS ::after draws the break; the text node keeps the "\r", so positions still count it.
export function loneCrs(text, from, to) {
  const found = [];
  for (let i = text.indexOf("\r", from); i !== -1 && i < to; i = text.indexOf("\r", i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) found.push(i);
  }
  return found;
}

// Cut [from, to) at every boundary of the given spans ({id, start, end}), and around each
// position of `alone` (a one-unit segment each: loneCrs); each segment lists, in lane order,
// the ids of the spans that cover it.
export function segments(from, to, spans, alone = []) {
  const inside = spans
    .filter((s) => s.end > from && s.start < to)
    .map((s) => ({ id: s.id, start: Math.max(s.start, from), end: Math.min(s.end, to) }));
  const cuts = new Set([from, to]);
  for (const pos of alone) {
    if (pos >= from && pos < to) {
      cuts.add(pos);
      cuts.add(pos + 1);
    }
  }
  for (const s of inside) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const lanes = assignLanes(inside);
  const starting = new Map();
  for (const s of inside) {
    if (!starting.has(s.start)) starting.set(s.start, []);
    starting.get(s.start).push(s);
  }
  const result = [];
  let active = [];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    active = active.filter((s) => s.end > a).concat(starting.get(a) || []);
    const ids = active.slice().sort((x, y) => lanes.get(x.id) - lanes.get(y.id)).map((s) => s.id);
    result.push({ start: a, end: b, ids, lanes: ids.map((id) => lanes.get(id)) });
  }
  return result;
}

// Overlapping spans get different lanes (underline positions), longest first,
// so that a span keeps one lane along its whole length.
export function assignLanes(spans) {
  const order = spans.slice().sort((a, b) => a.start - b.start || b.end - a.end || a.id - b.id);
  const laneEnds = [];
  const lanes = new Map();
  for (const s of order) {
    let lane = laneEnds.findIndex((end) => end <= s.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(s.end);
    } else {
      laneEnds[lane] = s.end;
    }
    lanes.set(s.id, lane);
  }
  return lanes;
}
