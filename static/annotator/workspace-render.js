// Drawing the document text: a block element per layout block, segments with
// their spans' underlines, for the blocks near the viewport (workspace-viewport.js
// draws the others light). An edit draws again only the blocks it touched.
// Also the way back, from a text selection in the DOM to UTF-16 positions.

import { h } from "./dom.js";
import { blockRange, loneCrs, segments } from "./layout.js";
import { adjustSelection } from "./selection.js";
import { arcs } from "./workspace-arcs.js";
import { patternOf, segmentElement, styleSegment } from "./spans-style.js";
import { LABELS, PATTERN, ROLE, el, state } from "./workspace-context.js";
import { renderPanels } from "./workspace-panels.js";
import { dropSpan, linkKeys, putSpan, rangesOf } from "./workspace-state.js";
import { createViewport } from "./workspace-viewport.js";

let blockEls = []; // block index → its element, for the blocks drawn in full

const viewport = createViewport({
  root: el.text,
  blocks: () => state.blocks,
  text: () => state.text,
  drawBlocks(first, last) {
    const drawn = [];
    for (let i = first; i <= last; i++) {
      blockEls[i] = h("div", { className: "ann-block", dataset: { block: i } });
      renderBlock(i);
      drawn.push(blockEls[i]);
    }
    return drawn;
  },
  forget(first, last) {
    for (let i = first; i <= last; i++) blockEls[i] = undefined;
  },
  changed: () => arcs.blocksChanged(),
});

function spanStyle(seg, segEl) {
  const lines = [];
  let tint = null;
  const marks = [];
  seg.ids.forEach((key) => {
    const span = state.spans.get(key);
    const color = (LABELS.get(span.label) || {}).color || "#666";
    lines.push({ color, pattern: span.kind === "suggestion" ? "dashed" : patternOf(PATTERN, span.label) });
    if (span.label === ROLE.claim && span.kind !== "suggestion") tint = color;
    if (seg.start === span.s16) {
      const review = span.review === "approved" ? " ✓" : span.review === "rejected" ? " ✗" : "";
      marks.push(`${span.label}${span.kind === "suggestion" ? "?" : ""}${review}`);
    }
  });
  styleSegment(segEl, seg, lines, tint && `${tint}1f`, marks);
}

function renderBlock(i) {
  if (!blockEls[i]) return; // drawn light: it is drawn from the state when it comes near
  const block = state.blocks[i];
  const spans = [...state.byBlock[i]].map((key) => {
    const span = state.spans.get(key);
    return { id: key, start: span.s16, end: span.e16 };
  });
  const children = [];
  const linking = new Set(linkKeys(state));
  const crs = loneCrs(state.text, block.start, block.end);
  for (const seg of segments(block.start, block.end, spans, crs)) {
    const segEl = segmentElement(state.text, seg, crs);
    if (seg.ids.length) {
      segEl.classList.add("ann-spanned");
      segEl.dataset.keys = seg.ids.join(",");
      spanStyle(seg, segEl);
      const spansHere = seg.ids.map((key) => state.spans.get(key));
      if (seg.ids.includes(state.selected)) segEl.classList.add("ann-selected");
      if (seg.ids.some((key) => state.flash.has(key))) segEl.classList.add("ann-flash");
      if (spansHere.some((s) => s.kind === "suggestion")) segEl.classList.add("ann-suggested");
      if (spansHere.some((s) => s.unsaved)) segEl.classList.add("ann-unsaved");
      if (linking.size && seg.ids.some((k) => linking.has(k))) segEl.classList.add("ann-linking");
    }
    children.push(segEl);
  }
  blockEls[i].replaceChildren(...children);
  arcs.blockDrawn(blockEls[i]);
}

export function renderBlocks(ranges) {
  const done = new Set();
  for (const [first, last] of ranges) {
    for (let i = first; i <= last; i++) {
      if (!done.has(i)) renderBlock(i);
      done.add(i);
    }
  }
  renderPanels();
  arcs.repaint(); // the selection may have changed
}

export function renderAll() {
  blockEls = [];
  viewport.reset();
  renderPanels();
  arcs.blocksDrawn();
}

export function rerenderKeys(keys) {
  renderBlocks(rangesOf(state, keys));
}

// State changes that draw their blocks again.
export function showSpan(span) {
  renderBlocks(putSpan(state, span));
}

export function removeSpan(key) {
  const ranges = dropSpan(state, key);
  if (ranges) renderBlocks(ranges);
}

export function scrollToSpan(span) {
  const [blockIndex] = blockRange(state.blocks, span.s16, span.e16);
  viewport.ensureBlock(blockIndex);
  const target = () => {
    const blockEl = blockEls[blockIndex];
    return blockEl && ([...blockEl.children].find((s) => (s.dataset.keys || "").split(",").includes(span.key)) || blockEl);
  };
  const { top } = target().getBoundingClientRect();
  if (Math.abs(top) < 2 * innerHeight) {
    target().scrollIntoView({ block: "center", behavior: "smooth" });
    return;
  }
  // Far: at once, and again once the text that came into view is laid out (the height of text
  // not seen yet is only estimated, workspace-viewport.js), or it would end beside it.
  target().scrollIntoView({ block: "center" });
  requestAnimationFrame(() => requestAnimationFrame(() => target()?.scrollIntoView({ block: "center" })));
}

// --- Selection → offsets -------------------------------------------------------------

export function selectedRange() {
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!el.text.contains(range.startContainer) || !el.text.contains(range.endContainer)) return null;
  const a = viewport.positionOf(range.startContainer, range.startOffset);
  const b = viewport.positionOf(range.endContainer, range.endOffset);
  if (a === null || b === null) return null;
  return adjustSelection(state.text, a, b, { snap: el.snap.checked });
}
