// The workspace's keys and clicks: a click on the text selects a span (or adds
// it to the attribution being linked), the label hotkeys label the selection,
// and the other keys are in the page's help (?).

import { closeHistory } from "./history.js";
import { pageEvents, toggleHelp } from "./page.js";
import { decide, deleteSpan, labelSelection, select, submit, undo } from "./workspace-actions.js";
import { config, el, say, state } from "./workspace-context.js";
import { addToLink, cancelLink, nestAttribution, saveLink, startLink } from "./workspace-links.js";
import { toggleArcs } from "./workspace-arcs.js";
import { closePicker } from "./workspace-entities.js";
import { linkEntity, openHistory } from "./workspace-panels.js";
import { linkCandidate, nextSelected } from "./workspace-state.js";

function onTextClick(event) {
  if (!window.getSelection().isCollapsed) return; // the user is selecting text
  const segEl = event.target.closest(".ann-seg");
  const keys = segEl && segEl.dataset.keys ? segEl.dataset.keys.split(",") : [];
  if (!keys.length) {
    if (!state.link) select(null);
    return;
  }
  if (state.link) {
    const wanted = linkCandidate(state, keys);
    if (wanted) addToLink(wanted.key);
    return;
  }
  select(nextSelected(state, keys));
}

function typing(target) {
  return target.closest("input, select, textarea, [contenteditable]");
}

function onKey(event) {
  if (event.key === "?" || (event.key === "Escape" && !el.help.hidden)) {
    if (!typing(event.target)) {
      toggleHelp(el.help);
      event.preventDefault();
      return;
    }
  }
  if (typing(event.target) || event.altKey) return;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key.toLowerCase() === "z") {
    event.preventDefault();
    undo();
    return;
  }
  if (mod) return;
  if (event.shiftKey && ["ArrowLeft", "ArrowRight"].includes(event.key)) {
    // Extend the selection by a character (or a word with Ctrl) in read-only text.
    const selection = window.getSelection();
    if (selection.rangeCount && typeof selection.modify === "function") {
      selection.modify("extend", event.key === "ArrowRight" ? "forward" : "backward", "character");
      event.preventDefault();
    }
    return;
  }
  const label = config.labels.find((l) => l.hotkey && l.hotkey === event.key);
  if (label) {
    event.preventDefault();
    labelSelection(label.name);
    return;
  }
  const span = state.spans.get(state.selected);
  switch (event.key) {
    case "Delete":
    case "Backspace":
      if (span && span.kind === "mine") { event.preventDefault(); deleteSpan(span.key); }
      else if (span && span.kind === "suggestion") { event.preventDefault(); decide("reject", { spans: [span.id] }); }
      break;
    case "a":
      event.preventDefault();
      startLink();
      break;
    case "p": // second-hand: nest the attribution in the next enclosing one (cycles)
    case "P": // ... or make it first-hand again
      event.preventDefault();
      nestAttribution({ clearIt: event.key === "P" });
      break;
    case "y":
      if (span && span.kind === "suggestion") decide("accept", { spans: [span.id] });
      break;
    case "n":
      if (span && span.kind === "suggestion") decide("reject", { spans: [span.id] });
      break;
    case "Enter":
      if (state.link) { event.preventDefault(); saveLink(); }
      else if (span && span.kind === "suggestion") { event.preventDefault(); decide("accept", { spans: [span.id] }); }
      break;
    case "@": // link the selected SOURCE span of mine to a source entity
      event.preventDefault();
      if (span) linkEntity(span);
      else say("Select one of your SOURCE spans first: @ links it to a source entity.", "info");
      break;
    case "Escape":
      if (closePicker()) break;
      if (state.link) cancelLink();
      else if (!closeHistory()) select(null);
      break;
    case "h":
      if (span && span.id) { event.preventDefault(); openHistory(span); }
      break;
    case "l":
      toggleArcs();
      break;
    case "w":
      el.snap.checked = !el.snap.checked;
      say(`Snap to words ${el.snap.checked ? "on" : "off"}.`, "info");
      break;
    case "]": // the next assigned document not yet submitted (views.workspace finds it)
      if (!config.can_annotate) break;
      event.preventDefault();
      if (config.next_document) location.assign(`/documents/${config.next_document.id}/`);
      else say("No other document assigned to you is left to do.", "info");
      break;
    default:
  }
}

export function listen() {
  el.text.addEventListener("click", onTextClick);
  document.addEventListener("keydown", onKey);
  el.submit.addEventListener("click", submit);
  pageEvents(el.help);
  window.addEventListener("beforeunload", (event) => {
    if (state.pending.length) event.preventDefault(); // unsaved work: let the browser ask
  });
}
