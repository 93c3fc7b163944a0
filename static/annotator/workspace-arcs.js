// The workspace's attribution arcs (arcs.js draws them): my attributions (or, read
// only, everyone's), the open suggested ones dashed; a selected span or the
// attribution picked in the panel shown selected; hovering a panel entry highlights
// its arcs. The switch: the toolbar's check box and the key l, remembered.

import { arcSwitch, createArcLayer } from "./arcs.js";
import { el, LABELS, say, state } from "./workspace-context.js";

const key = (id) => (id === null || id === undefined ? null : String(id));

// A suggestion's span I accepted is drawn as my span: its key is mine.
function resolve(id) {
  const k = key(id);
  if (k === null || state.spans.has(k)) return k;
  return state.bySuggestion.get(k) || k;
}

function shape(a, className) {
  return { id: String(a.id), source: resolve(a.source), cue: resolve(a.cue), claims: a.claims.map(resolve), className };
}

export const arcs = createArcLayer({
  root: el.text,
  blocks: () => state.blocks,
  attributions: () => [
    ...[...state.attributions.values()].map((a) => shape(a, a.review_state === "rejected" ? "ann-arc-rejected" : "")),
    ...[...state.suggestedAttributions.values()].map((a) => shape(a, "ann-arc-suggested")),
  ],
  span: (k) => state.spans.get(k) || null,
  color: (label) => (LABELS.get(label) || {}).color || "#6b7280",
  selected: () => {
    const ids = [];
    if (state.flash.size) {
      for (const a of state.attributions.values()) {
        const keys = [...a.claims, a.source, a.cue].filter((k) => k !== null && k !== undefined).map(String);
        if (keys.length === state.flash.size && keys.every((k) => state.flash.has(k))) ids.push(String(a.id));
      }
    }
    return { ids, keys: state.selected ? [state.selected] : [] };
  },
});

const flip = arcSwitch(arcs, document.getElementById("ann-arcs"));

export function toggleArcs() {
  say(`Attribution arcs ${flip() ? "on" : "off"}.`, "info");
}

// The attribution and suggestion lists are drawn again exactly when what they
// show changed (workspace-panels.js): the arcs follow them.
const lists = new MutationObserver(() => arcs.changed());
for (const list of [el.attributions, el.suggestions]) {
  lists.observe(list, { childList: true });
  list.addEventListener("mouseover", (event) => {
    const item = event.target.closest(".ann-attribution[data-id]");
    arcs.hover(item ? [item.dataset.id] : []);
  });
  list.addEventListener("mouseleave", () => arcs.hover([]));
}
