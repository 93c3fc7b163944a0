// Attributions drawn as arcs over the text, source → cue → claim, in the workspace
// and the review page (workspace-arcs.js, review-arcs.js give them their data).
//
// Each block on screen (an IntersectionObserver, 200 px beyond the viewport) gets
// one SVG, absolutely placed inside the block, in the block's coordinates: it
// scrolls with its text, so scrolling costs nothing but drawing the blocks that come
// into view the first time. Only blocks that have arcs are observed, and a block that
// leaves the view keeps its SVG (content-visibility skips painting it) until the
// attributions or the width change, or it is drawn light. Drawing is batched in a
// requestAnimationFrame: first every read (the spans' getClientRects), then every
// write, so layout is computed once. A leg between two blocks is drawn in each of
// them as a dashed line from its span to the block's edge (the top when the other
// end is earlier, the bottom when later). The SVG takes no pointer events (text
// selection goes through it); hovering an arc is found by geometry (arcAt), hovering
// a span by its segment's data-keys.

import { arcAt, arcIndex, layoutBlock, lineBoxes } from "./arcs-geometry.js";

const SVG = "http://www.w3.org/2000/svg";
const STORE = "annotator.arcs";

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function arcsStoredOn() {
  try { return localStorage.getItem(STORE) !== "off"; } catch { return true; }
}

// root: the text element holding .ann-block elements (data-block = index into blocks()).
// attributions(): [{id, source, cue, claims, className?}] with span keys;
// span(key): {s16, e16, label} or null; color(label): CSS colour;
// selected(): {ids, keys}: the attributions to show as selected, by their ids and by
// the span keys they use (a selected span selects its attributions);
// shows(blockEl, attribution): false to leave one out of a block (side-by-side columns).
export function createArcLayer({ root, blocks, attributions, span, color, selected, shows = () => true }) {
  let on = arcsStoredOn();
  let index = null;             // block index → [attribution]
  let byKey = new Map();        // span key → [attribution id]
  const visible = new Set();    // block elements near the viewport
  const dirty = new Set();      // visible blocks to draw (again)
  const back = new Set();       // visible blocks drawn before: their classes only
  const observed = new Set();   // the block elements that have arcs, watched
  const drawn = new Map();      // block element → {svg, arcs, groups: Map id → [g], segs: Map key → [seg]}
  let hot = new Set();
  let frame = 0;
  root.classList.toggle("ann-arcs-off", !on);

  const io = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const b = entry.target;
      if (entry.isIntersecting) { visible.add(b); (drawn.has(b) ? back : dirty).add(b); }
      else { visible.delete(b); dirty.delete(b); back.delete(b); }
    }
    schedule();
  }, { rootMargin: "200px 0px" });
  let width = 0;
  const ro = new ResizeObserver(() => {
    if (root.clientWidth === width) return;
    width = root.clientWidth;
    forgetHidden();
    redrawVisible();
  });
  ro.observe(root);

  function schedule() {
    if (!frame && on && (dirty.size || back.size)) frame = requestAnimationFrame(draw);
  }

  function buildIndex() {
    ({ index, byKey } = arcIndex(blocks(), attributions(), span));
    watch();
  }

  // Observe the blocks that have arcs now, and no others.
  function watch() {
    for (const b of [...observed]) {
      if (!b.isConnected || !index.has(Number(b.dataset.block))) {
        io.unobserve(b); observed.delete(b); visible.delete(b); dirty.delete(b); back.delete(b); undraw(b);
      }
    }
    for (const b of root.querySelectorAll(".ann-block")) { // one pass, whatever the count
      if (!observed.has(b) && index.has(Number(b.dataset.block))) { observed.add(b); io.observe(b); }
    }
  }

  // The SVGs of blocks out of view are kept while they stay right; when they may not be
  // (the attributions or the width changed), they go and are drawn when seen again.
  function forgetHidden() {
    for (const b of [...drawn.keys()]) if (!visible.has(b)) undraw(b);
  }

  function undraw(blockEl) {
    const record = drawn.get(blockEl);
    if (record) { record.svg.remove(); drawn.delete(blockEl); }
  }

  // Reads for one block: what is drawn where. No writes here.
  function measure(blockEl) {
    const b = Number(blockEl.dataset.block);
    const block = blocks()[b];
    const here = (index.get(b) || []).filter((a) => shows(blockEl, a));
    if (!block || !here.length) return { blockEl, arcs: [] };
    const wanted = new Set(here.flatMap((a) => [a.source, a.cue, ...a.claims]));
    const segs = new Map();
    for (const seg of blockEl.querySelectorAll(".ann-seg[data-keys]")) {
      for (const key of seg.dataset.keys.split(",")) {
        if (!wanted.has(key)) continue;
        if (!segs.has(key)) segs.set(key, []);
        segs.get(key).push(seg);
      }
    }
    const origin = blockEl.getBoundingClientRect();
    const boxes = new Map();
    for (const [key, list] of segs) {
      const rects = list.flatMap((seg) => [...seg.getClientRects()]).map((r) => ({
        left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top }));
      boxes.set(key, lineBoxes(rects));
    }
    const pos = (key) => { const s = span(key); return s ? s.s16 : null; };
    const inBlock = (key) => {
      const s = span(key);
      if (!s) return false;
      if (s.e16 <= block.start) return "before";
      if (s.s16 >= block.end) return "after";
      return segs.has(key);
    };
    const arcs = layoutBlock({ attributions: here, pos, inBlock, boxesOf: (k) => boxes.get(k) || [], height: origin.height });
    return { blockEl, arcs, segs, width: origin.width, height: origin.height, here };
  }

  function write({ blockEl, arcs, segs, width: w, height, here }, chosen) {
    undraw(blockEl);
    if (!arcs.length) return;
    const svg = svgEl("svg", { class: "ann-arcs", width: Math.ceil(w), height: Math.ceil(height), "aria-hidden": "true" });
    const groups = new Map();
    const byId = new Map(here.map((a) => [a.id, a]));
    for (const arc of arcs) {
      const a = byId.get(arc.id);
      const g = svgEl("g", { class: `ann-arc ann-arc-${arc.role}${arc.stub ? " ann-arc-stub" : ""}${a.className ? ` ${a.className}` : ""}` });
      const from = span(arc.role === "fragment" ? a.claims[0] : arc.role === "cue" ? a.cue : a.source);
      const stroke = color(from ? from.label : null);
      g.append(svgEl("path", { class: "ann-arc-halo", d: arc.d }), svgEl("path", { class: "ann-arc-line", d: arc.d, stroke }));
      if (arc.arrow) g.append(svgEl("path", { class: "ann-arc-head", d: arc.arrow, fill: stroke }));
      if (!groups.has(arc.id)) groups.set(arc.id, []);
      groups.get(arc.id).push(g);
      svg.append(g);
    }
    blockEl.append(svg);
    drawn.set(blockEl, { svg, arcs, groups, segs });
    paint(drawn.get(blockEl), chosen);
  }

  function draw() {
    frame = 0;
    if (!on) return;
    const began = performance.now();
    if (!index) buildIndex();
    const measured = [...dirty].filter((b) => visible.has(b) && b.isConnected).map(measure);
    dirty.clear();
    const chosen = chosenIds();
    measured.forEach((m) => write(m, chosen));
    for (const b of back) { const record = drawn.get(b); if (record) paint(record, chosen); }
    back.clear();
    root.classList.toggle("ann-arcs-chosen", chosen.size > 0);
    performance.measure("ann-arcs", { start: began }); // the benchmark reads these
  }

  // Classes only: the hovered attributions, the selected ones, and their spans.
  function chosenIds() {
    const { ids = [], keys = [] } = selected();
    return new Set([...ids, ...keys.flatMap((key) => byKey.get(key) || [])]);
  }

  function paint(record, chosen) {
    for (const [id, gs] of record.groups) {
      for (const g of gs) {
        g.classList.toggle("ann-arc-hot", hot.has(id));
        g.classList.toggle("ann-arc-selected", chosen.has(id));
      }
    }
    for (const [key, segs] of record.segs) {
      const isHot = (byKey.get(key) || []).some((id) => hot.has(id));
      for (const seg of segs) seg.classList.toggle("ann-arc-span-hot", isHot);
    }
  }

  function repaint() {
    if (!index) buildIndex();
    const chosen = chosenIds();
    root.classList.toggle("ann-arcs-dim", hot.size > 0);
    root.classList.toggle("ann-arcs-chosen", chosen.size > 0);
    for (const [b, record] of drawn) if (visible.has(b)) paint(record, chosen); // the rest: when seen
  }

  function setHot(ids) {
    const next = new Set(ids);
    if (next.size === hot.size && [...next].every((id) => hot.has(id))) return;
    hot = next;
    repaint();
  }

  function redrawVisible() {
    for (const b of visible) dirty.add(b);
    schedule();
  }

  // Hover: an arc near the pointer (geometry), else the spans under it.
  let pointer = null;
  let hoverFrame = 0;
  function hover() {
    hoverFrame = 0;
    if (!pointer || !on) return;
    const { target, x, y } = pointer;
    let ids = [];
    let near = false;
    // Arcs may rise above their block's top: test each drawn block the pointer is near.
    for (const [blockEl, record] of drawn) {
      if (!visible.has(blockEl)) continue;
      const origin = blockEl.getBoundingClientRect();
      if (y < origin.top - 30 || y > origin.bottom + 30) continue;
      const id = arcAt(record.arcs, { x: x - origin.left, y: y - origin.top });
      if (id !== null) { ids = [id]; near = true; break; }
    }
    const seg = !ids.length && target instanceof Element ? target.closest(".ann-seg[data-keys]") : null;
    if (seg) ids = seg.dataset.keys.split(",").flatMap((key) => byKey.get(key) || []);
    root.classList.toggle("ann-arc-pointing", near);
    setHot(ids);
  }
  root.addEventListener("mousemove", (event) => {
    pointer = { target: event.target, x: event.clientX, y: event.clientY };
    if (!hoverFrame) hoverFrame = requestAnimationFrame(hover);
  });
  root.addEventListener("mouseleave", () => { pointer = null; setHot([]); });

  return {
    // New block elements (the whole text drawn again): watch them.
    blocksDrawn() {
      io.disconnect();
      for (const set of [observed, visible, dirty, back, drawn]) set.clear();
      index = null;
      buildIndex(); // observes the blocks that have arcs
    },
    blocksChanged() { if (index) watch(); else buildIndex(); }, // blocks drawn in full or light
    // One block's content drawn again (its SVG went with it).
    blockDrawn(blockEl) {
      drawn.delete(blockEl);
      if (visible.has(blockEl)) { dirty.add(blockEl); schedule(); }
    },
    // The attributions changed: index them again, draw the visible blocks again.
    changed() {
      index = null;
      forgetHidden();
      buildIndex();
      redrawVisible();
    },
    repaint,
    hover: setHot,
    get on() { return on; },
    setOn(value) {
      on = value;
      try { localStorage.setItem(STORE, on ? "on" : "off"); } catch { /* private mode: not remembered */ }
      root.classList.toggle("ann-arcs-off", !on);
      if (on) redrawVisible();
      else { for (const b of [...drawn.keys()]) undraw(b); setHot([]); }
    },
  };
}

// The toolbar's check box and the key's toggle: both go through here.
export function arcSwitch(layer, checkbox) {
  checkbox.checked = layer.on;
  checkbox.addEventListener("change", () => layer.setOn(checkbox.checked));
  return () => {
    checkbox.checked = !layer.on;
    layer.setOn(checkbox.checked);
    return layer.on;
  };
}
