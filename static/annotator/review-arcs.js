// The review page's attribution arcs (arcs.js draws them), read only: every
// attribution item, a rejected one greyed; the selected item's arcs (an attribution,
// or those a selected span is part of) shown selected; in the side-by-side view each
// column draws the attributions of its annotator (or the reviewer's corrections).
// Hovering an entry in the list of labels highlights its arcs. The switch: the
// toolbar's check box and the key l, remembered (the same switch as the workspace's).

import { arcSwitch, createArcLayer } from "./arcs.js";
import { el, LABELS, say, state } from "./review-context.js";

function shows(blockEl, item) {
  const column = blockEl.dataset.column;
  if (column === undefined) return true;
  if (column === "corrections") return item.correction;
  return item.rows.some((r) => String(r.annotator) === column && r.origin !== "review");
}

export const arcs = createArcLayer({
  root: el.text,
  blocks: () => state.blocks,
  attributions: () => state.items.filter((i) => i.kind === "attribution").map((i) => ({
    id: i.key, source: i.source, cue: i.cue, claims: i.claims, item: i,
    className: i.state === "rejected" ? "ann-arc-rejected" : "" })),
  span: (key) => state.byKey.get(key) || null,
  color: (label) => (LABELS.get(label) || {}).color || "#6b7280",
  selected: () => {
    const item = state.items[state.current];
    if (!item) return {};
    return item.kind === "attribution" ? { ids: [item.key] } : { keys: [item.key] };
  },
  shows: (blockEl, a) => shows(blockEl, a.item),
});

const flip = arcSwitch(arcs, document.getElementById("ann-arcs"));

export function toggleArcs() {
  say(`Attribution arcs ${flip() ? "on" : "off"}.`, "info");
}

el.items.addEventListener("mouseover", (event) => {
  const entry = event.target.closest(".ann-item-entry[data-key]");
  const item = entry && state.byKey.get(entry.dataset.key);
  arcs.hover(item && item.kind === "attribution" ? [item.key] : []);
});
el.items.addEventListener("mouseleave", () => arcs.hover([]));
