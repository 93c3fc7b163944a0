// What the reviewer does: approve or reject the item in view, approve every
// agreed label, correct a span or an attribution, open the history, approve
// the document or return it. Decisions are append-only on the server.

import { showHistory } from "./history.js";
import { toCodePoint } from "./offsets.js";
import { api, config, el, mayDecide, OWN_LABEL, ownWork, say, state, username } from "./review-context.js";
import { act, applyDecisions, reload } from "./review-data.js";
import { agreedTargets, bulkOutcome, bulkOutcomeText, decisionTargets, nextUndecided, spanKey, undecidedOf } from "./review-merge.js";
import { describe, renderAll, scrollToCurrent, select } from "./review-render.js";
import { adjustSelection } from "./selection.js";

function reasonText() {
  const input = document.getElementById("ann-reason");
  return input ? input.value.trim() : "";
}

export async function decide(decision) {
  const item = state.items[state.current];
  if (!item) return;
  const note = reasonText();
  const targets = decisionTargets(item, state.byKey, decision, mayDecide);
  if (!targets.spans.length && !targets.attributions.length) {
    say(OWN_LABEL, "warning");
    return;
  }
  // An explicit decision on the item in view: it supersedes an earlier one.
  const answer = await act(`${decision} ${item.kind}`, () =>
    api.post(`/documents/${config.document_id}/reviews/bulk/`, { decision, note, undecided_only: false, ...targets }));
  if (!answer) return;
  state.mode = null;
  applyDecisions(answer.decisions);
  const extra = answer.decisions.length - targets.spans.length - targets.attributions.length;
  say(`${decision === "approve" ? "Approved" : "Rejected"} ${item.kind === "span" ? item.label : "the attribution"} ${describe(item, 40)}${extra > 0 ? ` (and ${extra} label(s) that go with it)` : ""}.`, "success");
  const at = state.items.findIndex((i) => i.key === item.key);
  const next = nextUndecided(state.items, at);
  state.current = next === -1 ? at : next;
  renderAll();
  scrollToCurrent();
}

export async function approveAgreed() {
  const { spans, attributions, items } = agreedTargets(state.items);
  if (!spans.length && !attributions.length) {
    say("No agreed label is waiting for approval.", "info");
    return;
  }
  // undecided_only: what another reviewer decided since this page loaded stays decided.
  const answer = await act("approve all agreed", () => api.post(`/documents/${config.document_id}/reviews/bulk/`,
    { decision: "approve", note: "agreed by every annotator", undecided_only: true, spans, attributions }));
  if (!answer) return;
  applyDecisions(answer.decisions);
  const next = nextUndecided(state.items, -1);
  if (next !== -1) state.current = next;
  renderAll();
  const outcome = bulkOutcome(items, answer);
  say(bulkOutcomeText(outcome), outcome.approved ? "success" : "info");
  if (answer.left.some((l) => l.reason === "already_decided")) await reload(); // someone else was deciding too
}

function selectedRange() {
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const position = (node, offset) => {
    const seg = (node.nodeType === Node.TEXT_NODE ? node.parentElement : node).closest("[data-u16]");
    if (!seg || !el.text.contains(seg)) return null;
    return Number(seg.dataset.u16) + (node.nodeType === Node.TEXT_NODE ? offset : offset === 0 ? 0 : seg.textContent.length);
  };
  const a = position(range.startContainer, range.startOffset);
  const b = position(range.endContainer, range.endOffset);
  if (a === null || b === null) return null;
  return adjustSelection(state.text, a, b, { snap: true });
}

function replacedBy(item, kind) {
  // The item and what it conflicts with: the correction settles them all.
  const keys = [item.key, ...item.conflicts];
  return keys.map((k) => state.byKey.get(k)).filter((i) => i && i.kind === kind && i.state !== "rejected")
    .flatMap((i) => i.rows.filter((r) => r.origin !== "review" && mayDecide(r)).map((r) => r.id));
}

export async function correctSpan(labelName) {
  const item = state.items[state.current];
  if (!item || item.kind !== "span") return;
  const range = selectedRange();
  const start = range ? toCodePoint(state.index, range.start) : item.start;
  const end = range ? toCodePoint(state.index, range.end) : item.end;
  const quote = range ? state.text.slice(range.start, range.end) : item.quote;
  window.getSelection().removeAllRanges();
  const made = await act("correct", () => api.post(`/documents/${config.document_id}/corrections/spans/`,
    { label: labelName, start, end, quote, replaces: replacedBy(item, "span"), note: reasonText() }));
  if (!made) return;
  state.mode = null;
  await reload();
  const at = state.items.findIndex((i) => i.key === spanKey(made));
  if (at !== -1) select(at);
  say(`Corrected: ${labelName} “${made.quote.slice(0, 40)}” is now approved; what it replaces is rejected.`, "success");
}

export async function correctAttribution(item, { claims, source, cue }) {
  const id = (key) => {
    const part = key && state.byKey.get(key);
    return part ? part.rows[0].id : null;
  };
  const body = { claims: claims.map(id), source: id(source), cue: id(cue), attributes: item.attributes,
    replaces: replacedBy(item, "attribution"), note: reasonText() };
  const made = await act("correct attribution", () => api.post(`/documents/${config.document_id}/corrections/attributions/`, body));
  if (!made) return;
  state.mode = null;
  await reload();
  say("Corrected: the attribution as you made it is approved; the one it replaces is rejected.", "success");
}

export function openHistory() {
  const item = state.items[state.current];
  if (!item) return;
  const targets = item.rows.map((r) => ({ kind: item.kind, id: r.id,
    heading: r.origin === "review" ? `${username(r.annotator)}'s correction` : `${username(r.annotator)}'s copy` }));
  showHistory(api, targets, { side: el.side, title: `${item.kind === "span" ? item.label : "Attribution"} ${describe(item, 60)}` });
}

export async function approveDocument() {
  const submitted = state.statuses.filter((s) => s.status === "submitted");
  const waiting = submitted.filter((s) => !ownWork(s.annotator));
  if (!waiting.length) {
    say("Only your own work waits here: another reviewer approves it.", "warning");
    return;
  }
  const undecided = undecidedOf(state.items, waiting.map((s) => s.annotator));
  if (undecided) {
    say(`${undecided} label(s) are still undecided: approve or reject them first (n goes to the next).`, "warning");
    return;
  }
  const done = await act("approve the document", async () => {
    for (const s of waiting) {
      await api.post(`/documents/${config.document_id}/status/`, { action: "approve", annotator: s.annotator });
    }
    return true;
  });
  if (!done) return;
  await reload();
  window.scrollTo(0, 0);
  const approved = state.items.filter((i) => i.state === "approved");
  const mine = waiting.length < submitted.length ? " Your own work waits for another reviewer." : "";
  say(`Document approved: its approved layer has ${approved.filter((i) => i.kind === "span").length} spans and ${approved.filter((i) => i.kind === "attribution").length} attributions.${mine}`, "success");
}

export async function returnDocument(event) {
  event.preventDefault();
  const annotator = Number(el.returnWho.value);
  const note = el.returnNote.value.trim();
  const done = await act("return", () => api.post(`/documents/${config.document_id}/status/`, { action: "return", annotator, note }));
  if (!done) return;
  el.returnNote.value = "";
  await reload();
  say(`Returned to ${username(annotator)}${note ? " with your comment" : ""}.`, "success");
}
