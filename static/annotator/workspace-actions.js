// What the annotator does to spans and suggestions, and how each action talks
// to the server: events → api → state → render (STYLE.md). A network failure
// keeps the action for Retry; a conflict (409) explains and reloads.

import { ApiError, NetworkError } from "./api.js";
import { api, config, el, say, state } from "./workspace-context.js";
import { loadEntityNames } from "./workspace-entities.js";
import { addToLink } from "./workspace-links.js";
import { renderPanels } from "./workspace-panels.js";
import { removeSpan, renderAll, rerenderKeys, selectedRange, showSpan } from "./workspace-render.js";
import { attributionsUsing, draftSpan, ingest, replaceKeyInLink, spanFromApi, spanQuote, suggestionSpanIds,
  unindexSpan } from "./workspace-state.js";

// --- Messages and calls ----------------------------------------------------------------

function sayPending() {
  if (!state.pending.length) return;
  const what = state.pending.map((p) => p.describe).join("; ");
  say(`Not saved (${state.pending.length}): ${what}. Your work is kept on this page.`, "error", [
    ["Retry", retryPending],
    ["Discard", () => { state.pending = []; reload(); }],
  ]);
}

// Run an API call for a user action. Network failure: keep the action and
// offer Retry. Conflict (409): explain, then reload the current state.
export async function act(describe, run, { keepOnFailure = true } = {}) {
  try {
    const result = await run();
    if (!state.pending.length) say("");
    return result;
  } catch (error) {
    if (error instanceof NetworkError && keepOnFailure) {
      state.pending.push({ describe, run });
      sayPending();
    } else if (error instanceof ApiError && error.status === 409) {
      say(`${describe}: ${error.message} The page now shows the current state.`, "warning");
      await reload({ keepMessage: true });
    } else {
      say(`${describe}: ${error.message}`, "error");
    }
    throw error;
  }
}

async function retryPending() {
  const queue = state.pending;
  state.pending = [];
  for (let i = 0; i < queue.length; i++) {
    try {
      await queue[i].run();
    } catch (error) {
      if (error instanceof NetworkError) {
        state.pending = queue.slice(i);
        sayPending();
        return;
      }
      say(`${queue[i].describe}: ${error.message}`, "error");
    }
  }
  say("All changes saved.", "success");
  await reload({ keepMessage: true });
}

export async function load() {
  const [detail, reviews] = await Promise.all([
    api.get(`/documents/${config.document_id}/?layer=${state.layer}`),
    api.get(`/documents/${config.document_id}/reviews/`),
  ]);
  ingest(state, detail, reviews);
  await loadEntityNames().catch(() => {}); // names beside sources: the labels load without them
}

export async function reload({ keepMessage = false } = {}) {
  try {
    await load();
  } catch (error) {
    say(`Could not reload the document: ${error.message}`, "error", [["Try again", () => reload()]]);
    return;
  }
  renderAll();
  if (!keepMessage && !state.pending.length) say("");
}

// --- Spans and suggestions -----------------------------------------------------------------

export function editable() {
  if (state.readOnly) {
    say("You are reading this document: only annotators and admins label it.", "info");
    return false;
  }
  if (state.locked) {
    say("This document is submitted: it is locked until a reviewer returns it.", "warning");
    return false;
  }
  return true;
}

export async function labelSelection(labelName) {
  if (!editable()) return;
  const range = selectedRange();
  if (!range) {
    const span = state.spans.get(state.selected);
    if (span && span.kind === "mine" && span.label !== labelName) return relabel(span, labelName);
    say("Select some text first, then press a label key.", "info");
    return;
  }
  window.getSelection().removeAllRanges();
  const key = await createSpan(labelName, range.start, range.end);
  if (key && state.link) addToLink(key);
}

async function createSpan(labelName, s16, e16, { undoable = true } = {}) {
  const tmp = draftSpan(state, labelName, s16, e16);
  const { start, end, quote } = tmp;
  // The new span becomes the selected one; the block of the one selected before
  // is drawn again too, or it would keep its selection outline.
  const previous = state.selected;
  state.selected = tmp.key;
  showSpan(tmp); // shows at once; saved below
  if (previous && previous !== tmp.key) rerenderKeys([previous]);
  const body = { label: labelName, start, end, quote };
  let saved;
  try {
    saved = await act(`${labelName} “${spanQuote(state, tmp.key, 30)}”`, async () => {
      try {
        return await api.post(`/documents/${config.document_id}/spans/`, body);
      } catch (error) {
        // A retried request that did reach the server: the span is there already.
        if (error instanceof ApiError && error.body?.code === "duplicate" && error.body.current) return error.body.current;
        throw error;
      }
    }, { keepOnFailure: true });
  } catch (error) {
    if (!(error instanceof NetworkError)) removeSpan(tmp.key);
    return null;
  }
  const span = spanFromApi(state, saved, "mine");
  if (state.selected === tmp.key) state.selected = span.key;
  replaceKeyInLink(state, tmp.key, span.key);
  state.spans.delete(tmp.key);
  unindexSpan(state, tmp);
  showSpan(span); // re-renders the blocks of both
  if (undoable) state.undo.push({ describe: `create ${labelName}`, undo: () => deleteSpan(span.key, { undoable: false }) });
  if (state.status === "not_started") state.status = "in_progress"; // before the badge is drawn
  renderPanels();
  return span.key;
}

export async function deleteSpan(key, { undoable = true } = {}) {
  if (!editable()) return;
  const span = state.spans.get(key);
  if (!span || span.kind !== "mine" || span.unsaved) return;
  const usedBy = attributionsUsing(state, span.id);
  const quote = spanQuote(state, key, 30);
  await act(`delete ${span.label} “${quote}”`, () => api.delete(`/spans/${span.id}/`, span.version));
  removeSpan(key);
  if (usedBy.length) await reload({ keepMessage: true }); // attributions lost this span
  if (undoable) {
    // The server restores the same span (same id, reviews, history) and what its delete
    // did to attributions; creating a new one would lose all that.
    state.undo.push({ describe: `delete ${span.label}`, undo: () => restoreSpan(span, quote) });
    say(`Deleted ${span.label} “${quote}”.`, "info", [["Undo (Ctrl+Z)", undo]]);
  }
}

// A retried request that did reach the server finds the label back already.
export function alreadyBack(error) {
  return error instanceof ApiError && error.status === 409 && error.body?.code === "not_deleted";
}

async function restoreSpan(span, quote) {
  const result = await act(`restore ${span.label} “${quote}”`, async () => {
    try {
      return await api.post(`/spans/${span.id}/restore/`, {});
    } catch (error) {
      if (alreadyBack(error)) return { skipped: [] };
      throw error;
    }
  });
  state.selected = span.key;
  await reload({ keepMessage: true });
  const skipped = result.skipped.map((s) => `attribution ${s.attribution}: ${s.reason}`);
  return skipped.length ? `Not linked again: ${skipped.join("; ")}` : "";
}

async function relabel(span, labelName, { undoable = true } = {}) {
  if (!editable()) return;
  const before = span.label;
  const saved = await act(`change ${before} to ${labelName}`, () =>
    api.patch(`/spans/${span.id}/`, { label: labelName }, span.version));
  showSpan(spanFromApi(state, saved, "mine"));
  if (undoable) state.undo.push({ describe: `relabel ${before}`, undo: () => relabel(state.spans.get(span.key), before, { undoable: false }) });
  await reload({ keepMessage: true });
}

export async function decide(decision, { spans = [], attributions = [] }) {
  if (!editable()) return;
  const result = await act(`${decision} suggestion`, () =>
    api.post(`/documents/${config.document_id}/suggestions/decide/`, { decision, spans, attributions }));
  if (decision === "accept") {
    const ownSpans = result.spans.map((s) => s.id);
    const ownAttributions = result.attributions.map((a) => a.id);
    state.undo.push({ describe: "accept suggestion", undo: async () => {
      await reload();
      for (const id of ownAttributions) {
        const a = state.attributions.get(String(id));
        if (a) await api.delete(`/attributions/${id}/`, a.version);
      }
      for (const id of ownSpans) {
        const s = state.spans.get(String(id));
        if (s) await api.delete(`/spans/${id}/`, s.version);
      }
    } });
  }
  await reload({ keepMessage: true });
  say(`${decision === "accept" ? "Accepted" : "Rejected"} ${spans.length + attributions.length} suggestion(s).`, "success");
}

export async function decideAll(decision) {
  const spans = suggestionSpanIds(state);
  const attributions = [...state.suggestedAttributions.values()].map((a) => a.id);
  if (spans.length || attributions.length) await decide(decision, { spans, attributions });
}

export function select(key) {
  const previous = state.selected;
  state.selected = key;
  state.focus = null; // the p key is about the selected span's attribution now
  rerenderKeys([previous, key].filter(Boolean));
}

export async function undo() {
  const last = state.undo.pop();
  if (!last) {
    say("Nothing to undo.", "info");
    return;
  }
  try {
    const note = await last.undo();
    say(`Undone: ${last.describe}.${typeof note === "string" && note ? ` ${note}` : ""}`, note ? "warning" : "success");
  } catch (error) {
    if (!(error instanceof NetworkError)) say(`Could not undo ${last.describe}: ${error.message}`, "error");
  }
}

export async function submit() {
  if (!editable()) return;
  if (state.pending.length) {
    say("Some changes are not saved yet: retry them before submitting.", "warning");
    return;
  }
  await act("submit", () => api.post(`/documents/${config.document_id}/status/`, { action: "submit" }));
  await reload({ keepMessage: true });
  const next = config.next_document; // the next assigned one not submitted (views.workspace)
  say("Submitted for review. The document is locked until a reviewer returns it.", "success",
    next ? [[`Next document: ${next.title} (])`, () => location.assign(`/documents/${next.id}/`)]] : []);
}
