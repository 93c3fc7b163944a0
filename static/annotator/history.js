// A label's history, readable: who made, changed, accepted, approved or
// rejected it, when and why. The pure part (historyEntries) turns the API's
// events and review decisions into lines; the thin DOM part shows them in a
// side panel of the workspace or the review view.

import { clear, h, own } from "./dom.js";

function quoteOf(snapshot) {
  if (!snapshot) return "";
  const q = String(snapshot.quote || "").replace(/\s+/g, " ");
  return q.length > 50 ? `“${q.slice(0, 49)}…”` : `“${q}”`;
}

function range(snapshot) {
  return `[${snapshot.start}, ${snapshot.end})`;
}

function describeSpanChange(before, after) {
  const parts = [];
  if (before.label !== after.label) parts.push(`label ${before.label} → ${after.label}`);
  if (before.start !== after.start || before.end !== after.end) parts.push(`${range(before)} → ${range(after)} ${quoteOf(after)}`);
  return parts.length ? `changed ${parts.join(", ")}` : "changed it";
}

function describeAttributionChange(before, after) {
  const parts = [];
  if (JSON.stringify(before.claims) !== JSON.stringify(after.claims)) parts.push(`claim spans ${before.claims.join(", ")} → ${after.claims.join(", ")}`);
  if (before.source !== after.source) parts.push(`source ${before.source ?? "none"} → ${after.source ?? "none"}`);
  if (before.cue !== after.cue) parts.push(`cue ${before.cue ?? "none"} → ${after.cue ?? "none"}`);
  // Second-hand claims: the attribution whose claim it lies in (older events have no key).
  if ((before.parent ?? null) !== (after.parent ?? null)) {
    parts.push(`parent ${before.parent ? `attribution ${before.parent}` : "none (first-hand)"} → ${after.parent ? `attribution ${after.parent}` : "none (first-hand)"}`);
  }
  const names = new Set([...Object.keys(before.attributes || {}), ...Object.keys(after.attributes || {})]);
  for (const name of [...names].sort()) {
    const was = own(before.attributes, name) ?? "—";
    const now = own(after.attributes, name) ?? "—";
    if (was !== now) parts.push(`${name.replace(/_/g, " ")} ${was} → ${now}`);
  }
  return parts.length ? `changed ${parts.join(", ")}` : "changed it";
}

function describeEvent(event) {
  const after = event.after || {};
  const before = event.before || {};
  if (isReviewEvent(event)) return event.action === "approve" ? "approved it" : "rejected it";
  switch (event.action) {
    case "create":
      return event.target_type === "span" ? `created ${after.label} ${quoteOf(after)} ${range(after)}` : "linked this attribution";
    case "update":
      return event.target_type === "span" ? describeSpanChange(before, after) : describeAttributionChange(before, after);
    case "delete":
      return "deleted it";
    case "restore":
      return "restored it";
    case "accept":
      return "accepted the pre-tagger's suggestion";
    case "reject":
      return "rejected the pre-tagger's suggestion";
    case "correct":
      return event.target_type === "span" ? `made ${after.label} ${quoteOf(after)} ${range(after)} as a reviewer's correction` : "linked this attribution as a reviewer's correction";
    default:
      return event.action;
  }
}

// A review decision's event records the review state alone (an annotator's "reject"
// of a suggestion records the whole row).
function isReviewEvent(event) {
  const after = event.after;
  return ["approve", "reject"].includes(event.action) && Boolean(after) && typeof after === "object"
    && Object.keys(after).length === 1 && "review_state" in after;
}

// A review decision and its event say the same (same moment, reviewer and note): the
// line comes from the decision. A deleted label has lost its decisions (they go with
// the row) but not their events, which then stand for them.
export function historyEntries({ events = [], reviews = [] }) {
  const decided = new Map();
  const keyOf = (decision, who, note) => JSON.stringify([decision, who, note || ""]);
  for (const r of reviews) {
    const key = keyOf(r.decision, r.reviewer_name, r.note);
    decided.set(key, (decided.get(key) || 0) + 1);
  }
  const lines = [];
  for (const e of events) {
    if (isReviewEvent(e)) {
      const key = keyOf(e.action, e.actor_name, e.note);
      if (decided.get(key)) {
        decided.set(key, decided.get(key) - 1);
        continue;
      }
    }
    lines.push({ at: e.created_at, who: e.actor_name || "the system", what: describeEvent(e), why: e.note || "", kind: e.action });
  }
  for (const r of reviews) {
    lines.push({ at: r.created_at, who: r.reviewer_name, kind: r.decision, why: r.note || "",
      what: r.decision === "approve" ? "approved it" : r.decision === "reject" ? "rejected it" : r.decision });
  }
  return lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function formatWhen(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// The panel: one per page, at the top of the side column. targets are
// [{kind: "span"|"attribution", id, heading}], e.g. one per annotator's copy.
export async function showHistory(api, targets, { title, side }) {
  let panel = document.getElementById("ann-history");
  if (!panel) {
    panel = h("section", { id: "ann-history", className: "ann-side-card ann-history", "aria-live": "polite" });
    side.prepend(panel);
  }
  const close = h("button", { type: "button", className: "ann-icon-button", "aria-label": "Close the history", title: "Close (Esc)" }, "×");
  close.addEventListener("click", () => panel.remove());
  clear(panel).append(h("h2", {}, "History"), close, h("p", { className: "ann-history-title" }, title),
    h("p", { className: "ann-muted" }, "Loading…"));
  panel.scrollIntoView({ block: "nearest" });
  try {
    const histories = await Promise.all(targets.map((t) => api.get(`/${t.kind}s/${t.id}/history/`)));
    panel.lastChild.remove();
    targets.forEach((target, i) => {
      if (target.heading) panel.append(h("h3", {}, target.heading));
      const entries = historyEntries(histories[i]);
      panel.append(h("ol", { className: "ann-history-list" }, ...entries.map((e) =>
        h("li", { className: `ann-history-${e.kind}` },
          h("time", { datetime: e.at }, formatWhen(e.at)), " ",
          h("strong", {}, e.who), ` ${e.what}`,
          e.why ? h("div", { className: "ann-note" }, `“${e.why}”`) : null))));
    });
  } catch (error) {
    panel.lastChild.textContent = `Could not load the history: ${error.message}`;
  }
  return panel;
}

export function closeHistory() {
  const panel = document.getElementById("ann-history");
  if (panel) panel.remove();
  return Boolean(panel);
}
