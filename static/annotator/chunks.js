// Which parts of a long text are drawn in full, without the DOM (node --test loads it).
//
// The layout blocks (layout.js) are grouped into chunks of about CHUNK_UNITS UTF-16
// units. A chunk far from the viewport is drawn light: one element holding its text
// as a single text node, so that the page stays small (a 1 MB document has thousands
// of segments) while the browser's find-in-page still finds every word and the scroll
// height stays about right. A chunk near the viewport is drawn in full, block by block,
// with its spans' segments (workspace-viewport.js is the DOM side).

export const CHUNK_UNITS = 6000;
// Consecutive blocks, [first, last], of at most `size` units each (a longer block alone).
export function chunksOf(blocks, size = CHUNK_UNITS) {
  const result = [];
  let first = 0;
  while (first < blocks.length) {
    let last = first;
    while (last + 1 < blocks.length && blocks[last + 1].end - blocks[first].start <= size) last++;
    result.push({ first, last, start: blocks[first].start, end: blocks[last].end });
    first = last + 1;
  }
  return result;
}

// Index of the last entry of the sorted array that is <= value (0 if none is).
export function lastAtOrBefore(sorted, value, key = (x) => x) {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (key(sorted[mid]) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// The chunk holding UTF-16 position `pos` (the last one for pos = the text's length).
export function chunkAt(chunks, pos) {
  return lastAtOrBefore(chunks, pos, (c) => c.start);
}

// The chunk holding block `b`.
export function chunkOfBlock(chunks, b) {
  return lastAtOrBefore(chunks, b, (c) => c.first);
}

// The chunks to draw in full when the document opens: those whose estimated place meets
// the band [top, bottom) (px from the text's top: the viewport and the near margin),
// from their estimated heights (chunkLines); at least the first. What the observers would
// draw in full once they have seen the layout, as far as the estimate goes: a chunk drawn
// in full at once and then found far would be drawn light again right after (a second
// change of the page, and work for nothing).
export function chunksInBand(heights, top, bottom) {
  const drawn = [];
  let y = 0;
  heights.forEach((height, c) => {
    if (y < bottom && y + height > top) drawn.push(c);
    y += height;
  });
  return drawn.length || !heights.length ? drawn : [0];
}

// About how many lines a chunk's text takes: each line of it (between line breaks) wraps
// every `perLine` units. The height of a light chunk not laid out yet (content-visibility)
// is estimated from it; once laid out, the browser remembers the real one.
export function chunkLines(text, chunk, perLine) {
  let lines = 0;
  for (let at = chunk.start; at < chunk.end;) {
    let next = text.indexOf("\n", at);
    if (next === -1 || next >= chunk.end) next = chunk.end;
    lines += Math.max(1, Math.ceil((next - at) / perLine));
    at = next + 1;
  }
  return lines;
}

// What to draw again after the view moved. full: the chunks drawn in full; near: those
// within the hydrating margin of the viewport; far: those beyond the (wider) margin past
// which a chunk goes light again. Between the two margins nothing changes, so that a
// chunk at the edge is not drawn over and over while the user scrolls to and fro.
export function viewportPlan({ full, near, far }) {
  const hydrate = [...near].filter((c) => !full.has(c)).sort((a, b) => a - b);
  const lighten = [...full].filter((c) => far.has(c) && !near.has(c)).sort((a, b) => a - b);
  return { hydrate, lighten };
}
