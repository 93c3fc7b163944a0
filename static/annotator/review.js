// The review view: every annotator's layer of one document, merged (or side
// by side), with disagreements highlighted. The reviewer approves or rejects
// each label, approves all agreed labels at once, corrects labels (their own
// correction, approved as made), returns the work with a comment, and
// approves the document. Decisions are append-only on the server.
//
// Data flows one way (STYLE.md): events → api → state → render. The modules:
// review-context.js (the page's set-up), review-data.js (loading and merging;
// the merge itself is the DOM-free review-merge.js), review-render.js (the
// text, the list, the header), review-item.js (the item in view),
// review-actions.js (the decisions); this one has the keys and clicks. Text
// layout reuses layout.js, offsets.js and spans-style.js with the workspace.

import { closeHistory } from "./history.js";
import { pageEvents, toggleHelp } from "./page.js";
import { approveAgreed, approveDocument, correctSpan, decide, openHistory, returnDocument } from "./review-actions.js";
import { config, el, mayDecide, OWN_LABEL, say, state } from "./review-context.js";
import { toggleArcs } from "./review-arcs.js";
import { load } from "./review-data.js";
import { decidable, nextUndecided } from "./review-merge.js";
import { renderAll, renderTextArea, scrollToCurrent, select, setMode } from "./review-render.js";

el.text.addEventListener("click", (event) => {
  if (!window.getSelection().isCollapsed) return; // selecting text, e.g. for a correction
  const seg = event.target.closest(".ann-seg");
  const keys = seg && seg.dataset.keys ? seg.dataset.keys.split(",") : [];
  if (!keys.length) return;
  // Overlapping items: the shortest first, then the next on each click.
  const here = keys.map((k) => state.byKey.get(k)).sort((a, b) => (a.end - a.start) - (b.end - b.start));
  const at = here.findIndex((i) => i.key === state.items[state.current]?.key);
  select(state.items.indexOf(here[(at + 1) % here.length]));
});

// Only elements that take typed text swallow the keys. A radio button (the Merged / Side by
// side switch) keeps the focus after a click, and must not: its keys are arrows and space.
const NOT_TEXT = new Set(["radio", "checkbox", "button", "submit", "reset"]);

function typing(target) {
  if (!(target instanceof Element)) return false;
  if (target.matches("input")) return !NOT_TEXT.has(target.type);
  return Boolean(target.closest("select, textarea, [contenteditable]"));
}

document.addEventListener("keydown", (event) => {
  if (event.key === "?" && !typing(event.target)) {
    toggleHelp(el.help);
    event.preventDefault();
    return;
  }
  if (event.key === "Escape") {
    if (!el.help.hidden) el.help.hidden = true;
    else if (state.mode) setMode(null);
    else closeHistory();
    return;
  }
  if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
  if (state.mode === "reject" && event.key === "Enter") { event.preventDefault(); decide("reject"); return; }
  const current = state.items[state.current];
  if (current && ["a", "r"].includes(event.key) && !decidable(current, mayDecide)) {
    event.preventDefault();
    say(OWN_LABEL, "warning");
    return;
  }
  if (state.mode === "correct") {
    const label = config.labels.find((l) => l.hotkey && l.hotkey === event.key);
    if (label) { event.preventDefault(); correctSpan(label.name); return; }
  }
  const actions = {
    j: () => select(Math.min(state.items.length - 1, state.current + 1)),
    k: () => select(Math.max(0, state.current - 1)),
    n: () => { const next = nextUndecided(state.items, state.current); if (next === -1) say("Every label is decided.", "success"); else select(next); },
    a: () => decide("approve"),
    A: () => approveAgreed(),
    r: () => setMode("reject"),
    c: () => setMode("correct"),
    h: () => openHistory(),
    v: () => { document.querySelector(`input[name=ann-view][value=${state.view === "merged" ? "side" : "merged"}]`).click(); },
    l: toggleArcs,
  };
  const run = actions[event.key];
  if (run) { event.preventDefault(); run(); }
});

for (const radio of document.querySelectorAll("input[name=ann-view]")) {
  radio.addEventListener("change", () => { state.view = radio.value; renderTextArea(); scrollToCurrent(); });
}
el.returnForm.addEventListener("submit", returnDocument);
el.approveAgreed.addEventListener("click", approveAgreed);
el.approveDocument.addEventListener("click", approveDocument);
pageEvents(el.help);

try {
  await load();
  renderAll();
  if (!state.participants.length) say("Nobody has submitted this document yet: there is nothing to review.", "info");
  document.body.dataset.ready = "true";
} catch (error) {
  say(`Could not load the document: ${error.message}`, "error");
}
