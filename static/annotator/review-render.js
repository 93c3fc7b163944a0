// Drawing the review page: the text (merged, or a column per annotator side by
// side) with every item's underlines, the list of items, the header with the
// annotators and the progress; moving to an item.

import { clear, h } from "./dom.js";
import { loneCrs, segments } from "./layout.js";
import { arcs } from "./review-arcs.js";
import { el, LABELS, PATTERN, REVIEWED, ROLE, say, state, username } from "./review-context.js";
import { renderItem } from "./review-item.js";
import { DECIDED, summary } from "./review-merge.js";
import { patternOf, segmentElement, styleSegment } from "./spans-style.js";

export function itemClasses(item) {
  const classes = [];
  if (item.state === "approved") classes.push("ann-approved");
  else if (item.state === "rejected") classes.push("ann-rejected");
  else if (!item.agreed && !item.correction) classes.push("ann-conflict");
  else classes.push("ann-agreed");
  if (item.correction) classes.push("ann-corrected");
  return classes;
}

function markOf(item) {
  const decided = item.state === "approved" ? " ✓" : item.state === "rejected" ? " ✗" : "";
  const conflict = !item.agreed && !item.correction && !DECIDED.has(item.state) ? " ≠" : "";
  return `${item.label}${item.correction ? " ✎" : ""}${conflict}${decided}`;
}

function segmentStyle(seg, segEl, itemsHere) {
  const lines = [];
  let tint = null;
  const marks = [];
  for (const item of itemsHere) {
    const color = (LABELS.get(item.label) || {}).color || "#666";
    lines.push({ color, pattern: patternOf(PATTERN, item.label) });
    if (item.label === ROLE.claim && item.state !== "rejected") tint = color;
    if (seg.start === item.s16) marks.push(markOf(item));
  }
  styleSegment(segEl, seg, lines, tint && `${tint}1a`, marks);
}

// One rendering of the text with the given span items: a list of block elements.
// column: whose work they show in the side-by-side view (an annotator's id, or
// "corrections"), for the arcs to draw that column's attributions.
function renderText(spanItems, column) {
  const current = state.items[state.current];
  const highlighted = new Set();
  if (current) {
    if (current.kind === "span") highlighted.add(current.key);
    else [...current.claims, current.source, current.cue].filter(Boolean).forEach((k) => highlighted.add(k));
  }
  const conflicting = new Set(current ? current.conflicts : []);
  return state.blocks.map((block, b) => {
    const inBlock = spanItems.filter((i) => i.e16 > block.start && i.s16 < block.end);
    const byId = new Map(inBlock.map((i) => [i.key, i]));
    const crs = loneCrs(state.text, block.start, block.end);
    const children = segments(block.start, block.end, inBlock.map((i) => ({ id: i.key, start: i.s16, end: i.e16 })), crs)
      .map((seg) => {
        const segEl = segmentElement(state.text, seg, crs);
        if (!seg.ids.length) return segEl;
        const here = seg.ids.map((key) => byId.get(key));
        segEl.classList.add("ann-spanned");
        segEl.dataset.keys = seg.ids.join(",");
        for (const item of here) segEl.classList.add(...itemClasses(item));
        if (here.every((i) => i.state === "rejected")) segEl.classList.add("ann-all-rejected");
        if (seg.ids.some((k) => highlighted.has(k))) segEl.classList.add("ann-selected");
        if (seg.ids.some((k) => conflicting.has(k))) segEl.classList.add("ann-flash");
        segmentStyle(seg, segEl, here);
        return segEl;
      });
    return h("div", { className: "ann-block", dataset: column === undefined ? { block: b } : { block: b, column } }, ...children);
  });
}

export function renderTextArea() {
  const spanItems = state.items.filter((i) => i.kind === "span");
  el.text.classList.toggle("ann-side-by-side", state.view === "side");
  if (state.view === "merged") {
    el.text.replaceChildren(...renderText(spanItems));
    arcs.blocksDrawn();
    return;
  }
  const columns = state.participants.map((id) => ({ id: String(id), title: username(id), test: (i) => i.rows.some((r) => r.annotator === id && r.origin !== "review") }));
  if (spanItems.some((i) => i.correction)) columns.push({ id: "corrections", title: "Reviewer's corrections", test: (i) => i.correction });
  // A grid row per block, so that each paragraph lines up across the columns.
  const rendered = columns.map((column) => renderText(spanItems.filter(column.test), column.id));
  el.text.style.gridTemplateColumns = `repeat(${columns.length}, minmax(0, 1fr))`;
  el.text.replaceChildren(...columns.map((column) => h("h2", { className: "ann-column-title" }, column.title)),
    ...state.blocks.flatMap((_, b) => rendered.map((blocksOfColumn) => blocksOfColumn[b])));
  arcs.blocksDrawn();
}

export function describe(item, max = 60) {
  if (!item) return "";
  if (item.kind === "span") {
    const q = item.quote.replace(/\s+/g, " ");
    return `“${q.length > max ? `${q.slice(0, max - 1)}…` : q}”`;
  }
  const part = (key, fallback) => (key && state.byKey.get(key) ? describe(state.byKey.get(key), 30) : fallback);
  // Second-hand (X said that Y claimed Z): the parent's source first, as the workspace shows it.
  const parent = item.parent ? state.byKey.get(item.parent) : null;
  const via = parent ? `${part(parent.source, "(no source)")} → ` : "";
  return `${via}${part(item.source, "(no source)")} — ${part(item.cue, "(no cue)")} → ${item.claims.map((k) => part(k, "?")).join(" … ")}`;
}

export function stateText(item) {
  return { approved: "approved ✓", rejected: "rejected ✗", pending: "undecided", mixed: "decided differently per annotator" }[item.state] || item.state;
}

function renderItemList() {
  const list = h("ol", { className: "ann-item-list" });
  state.items.forEach((item, i) => {
    const entry = h("li", { className: `ann-item-entry ${itemClasses(item).join(" ")}${i === state.current ? " ann-current" : ""}`,
      dataset: { key: item.key }, tabindex: -1 },
    h("span", { className: "ann-item-label" }, item.kind === "span" ? markOf(item) : `ATTR${item.correction ? " ✎" : ""}${!item.agreed && !item.correction && !DECIDED.has(item.state) ? " ≠" : ""}${item.state === "approved" ? " ✓" : item.state === "rejected" ? " ✗" : ""}`),
    " ", describe(item, 40));
    entry.addEventListener("click", () => select(i));
    list.append(entry);
  });
  clear(el.items).append(h("h2", {}, `Labels (${state.items.length})`), list);
  const current = list.querySelector(".ann-current");
  if (current) current.scrollIntoView({ block: "nearest" });
}

function renderHeader() {
  clear(el.annotators);
  for (const s of state.statuses) {
    const reviewed = REVIEWED.includes(s.status);
    el.annotators.append(h("span", { className: `ann-chip${reviewed ? "" : " ann-chip-out"}`, dataset: { annotator: s.annotator },
      title: reviewed ? "under review" : "not under review: not submitted" },
    `${s.username} `, h("span", { className: `ann-status ann-status-${s.status}` }, s.status.replace("_", " ")), ` ${s.span_count} labels`));
  }
  const counts = summary(state.items);
  el.progress.textContent = `${counts.decided} of ${counts.total} decided · ${counts.agreed} agreed · ${counts.openConflicts} open conflicts`;
  clear(el.returnWho);
  for (const s of state.statuses.filter((x) => REVIEWED.includes(x.status))) el.returnWho.append(h("option", { value: s.annotator }, s.username));
  el.returnForm.querySelector("button").disabled = !el.returnWho.options.length;
  el.approveDocument.disabled = !state.statuses.some((s) => s.status === "submitted");
}

export function renderAll() {
  renderTextArea();
  renderItem();
  renderItemList();
  renderHeader();
}

export function scrollToCurrent() {
  const item = state.items[state.current];
  if (!item) return;
  const key = item.kind === "span" ? item.key : item.claims[0];
  const seg = [...el.text.querySelectorAll(".ann-seg[data-keys]")].find((s) => s.dataset.keys.split(",").includes(key));
  if (seg) seg.scrollIntoView({ block: "center" });
}

export function select(i) {
  if (i < 0 || i >= state.items.length) return;
  state.current = i;
  state.mode = null;
  renderAll();
  scrollToCurrent();
}

export function setMode(mode) {
  state.mode = mode;
  renderItem();
  if (mode === "correct") say(state.items[state.current]?.kind === "span"
    ? "Correcting: select text (optional), then press a label key." : "Correcting: pick the claim, source and cue, then save.", "info");
  else say("");
}
