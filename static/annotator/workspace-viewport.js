// The document text drawn in chunks (chunks.js): near the viewport in full, block by
// block with the spans' segments; far from it light, one element per chunk holding the
// chunk's text as one text node. The page of a 1 MB document so keeps a few hundred
// elements instead of thousands, opens sooner, and find-in-page still finds every word.
//
// Two IntersectionObservers: a chunk coming within NEAR of the viewport is drawn in
// full; one going beyond FAR is drawn light again (between the two, nothing changes).
// Drawing a chunk again keeps the text selection: its ends are taken as positions
// before and put back after (a selection may begin or end in a light chunk). Also the
// way from a DOM position (node, offset) to a UTF-16 position of the text.

import { h } from "./dom.js";
import { blockAt } from "./layout.js";
import { chunkAt, chunkLines, chunkOfBlock, chunksInBand, chunksOf, lastAtOrBefore, viewportPlan } from "./chunks.js";

const NEAR_PX = 1200;
const NEAR = `${NEAR_PX}px 0px`;
const FAR = "3600px 0px";

// root: the element the chunks go in; blocks(), text(): the document's;
// drawBlocks(first, last): the block elements of those blocks, drawn in full;
// forget(first, last): those blocks are not drawn any more; changed(): block elements
// came or went (after the view moved, not after reset).
export function createViewport({ root, blocks, text, drawBlocks, forget, changed }) {
  let chunks = [];
  let chunkEls = [];
  let drawnText = null;
  const full = new Set();
  const near = new Set();
  const far = new Set();

  const watch = (into, outside) => new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const c = Number(entry.target.dataset.chunk);
      if (entry.isIntersecting !== outside) into.add(c); else into.delete(c);
    }
    update();
  }, { rootMargin: outside ? FAR : NEAR });
  const nearIo = watch(near, false);
  const farIo = watch(far, true);

  function drawFull(c) {
    const { first, last } = chunks[c];
    chunkEls[c].replaceChildren(...drawBlocks(first, last));
    chunkEls[c].classList.remove("ann-light");
    full.add(c);
  }

  function drawLight(c) {
    const { first, last, start, end } = chunks[c];
    forget(first, last);
    chunkEls[c].replaceChildren(text().slice(start, end)); // a text node, never markup
    chunkEls[c].classList.add("ann-light");
    full.delete(c);
  }

  function update() {
    const plan = viewportPlan({ full, near, far });
    if (!plan.hydrate.length && !plan.lighten.length) return;
    keepingSelection([...plan.hydrate, ...plan.lighten], () => {
      plan.hydrate.forEach(drawFull);
      plan.lighten.forEach(drawLight);
    });
    changed();
  }

  // Draw the given chunks again without losing the text selection (a selection whose
  // end was in one of them would otherwise collapse when its text node goes).
  function keepingSelection(changing, draw) {
    const selection = window.getSelection();
    const inside = (node) => changing.some((c) => chunkEls[c].contains(node));
    let ends = null;
    if (selection.rangeCount && root.contains(selection.anchorNode) && root.contains(selection.focusNode)
        && (inside(selection.anchorNode) || inside(selection.focusNode))) {
      ends = [positionOf(selection.anchorNode, selection.anchorOffset), positionOf(selection.focusNode, selection.focusOffset)];
    }
    draw();
    if (ends && !ends.includes(null)) selection.setBaseAndExtent(...pointAt(ends[0]), ...pointAt(ends[1]));
  }

  // --- DOM positions ↔ UTF-16 positions -----------------------------------------------

  // Where a node's text begins: a text node is alone in its segment or light chunk.
  function startOf(node) {
    const holder = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (holder.classList.contains("ann-block")) return blocks()[Number(holder.dataset.block)].start;
    const at = holder.closest("[data-u16]");
    return at && root.contains(at) ? Number(at.dataset.u16) : null;
  }

  function endOf(element) {
    if (element.classList.contains("ann-block")) return blocks()[Number(element.dataset.block)].end;
    if (element.classList.contains("ann-chunk")) return chunks[Number(element.dataset.chunk)].end;
    return Number(element.dataset.u16) + element.textContent.length;
  }

  function positionOf(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const start = startOf(node);
      return start === null ? null : start + offset;
    }
    if (node === root) {
      const child = root.children[offset];
      return child ? startOf(child) : text().length;
    }
    if (node.matches(".ann-block, .ann-chunk")) {
      // After the last segment may come the block's arcs (an <svg>): that is its end too.
      const child = node.childNodes[offset];
      const text = child && (child.nodeType === Node.TEXT_NODE || child.matches(".ann-block, .ann-seg"));
      return text ? startOf(child) : endOf(node);
    }
    const seg = node.closest(".ann-seg");
    if (!seg) return null;
    return Number(seg.dataset.u16) + (offset === 0 ? 0 : seg.textContent.length);
  }

  // The (text node, offset) of a UTF-16 position, in a light chunk or a full one.
  function pointAt(pos) {
    const c = chunkAt(chunks, pos);
    const chunkEl = chunkEls[c];
    if (!full.has(c)) return [chunkEl.firstChild, Math.min(pos - chunks[c].start, chunkEl.firstChild.length)];
    const b = Math.min(blockAt(blocks(), pos), chunks[c].last);
    const segs = [...chunkEl.children[b - chunks[c].first].children].filter((s) => s.matches(".ann-seg"));
    const seg = segs[lastAtOrBefore(segs, pos, (s) => Number(s.dataset.u16))];
    return [seg.firstChild, Math.min(Math.max(0, pos - Number(seg.dataset.u16)), seg.firstChild.length)];
  }

  return {
    // Draw the whole text again: the chunks drawn in full stay so (when the text is the
    // same, as on a reload after an edit); at first, those near the viewport.
    reset() {
      const again = drawnText === text() ? new Set(full) : null;
      drawnText = text();
      nearIo.disconnect();
      farIo.disconnect();
      full.clear();
      near.clear();
      far.clear();
      chunks = chunksOf(blocks());
      chunkEls = chunks.map((c, i) => h("div", { className: "ann-chunk", dataset: { chunk: i, u16: c.start } }));
      // A chunk off screen is not laid out (content-visibility): its height until it is
      // seen once, from its lines (serif text: about half an em a character).
      const style = getComputedStyle(root);
      const em = parseFloat(style.fontSize) || 16;
      const lineHeight = parseFloat(style.lineHeight) || 1.4 * em;
      const width = root.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const perLine = Math.max(20, Math.floor(width / (0.5 * em)));
      const heights = chunks.map((c) => Math.round(chunkLines(text(), c, perLine) * lineHeight));
      heights.forEach((height, i) => { chunkEls[i].style.containIntrinsicSize = `auto ${height}px`; });
      // At first: the chunks within the near margin of the viewport, by those heights.
      const top = root.getBoundingClientRect().top;
      const first = new Set(chunksInBand(heights, -top - NEAR_PX, innerHeight - top + NEAR_PX));
      chunks.forEach((_, c) => ((again || first).has(c) ? drawFull(c) : drawLight(c)));
      root.replaceChildren(...chunkEls);
      for (const chunkEl of chunkEls) { nearIo.observe(chunkEl); farIo.observe(chunkEl); }
    },
    // Block b drawn in full now (before scrolling to one of its spans, say).
    ensureBlock(b) {
      const c = chunkOfBlock(chunks, b);
      far.delete(c); // until the far observer sees it leave again: not while scrolling to it
      if (full.has(c)) return;
      keepingSelection([c], () => drawFull(c));
      changed();
    },
    positionOf,
  };
}
