// The side panels and bars around the text: the selected span, the
// attributions, the suggestions, the reviewers' feedback, the document's
// status, the link bar and the label buttons. The three lists are drawn again
// only when what they show changed (state.listsStale).

import { clear, h, own } from "./dom.js";
import { showHistory } from "./history.js";
import { button } from "./page.js";
import { decide, decideAll, deleteSpan, labelSelection, reload } from "./workspace-actions.js";
import { config, api, el, PATTERN, ROLE, state } from "./workspace-context.js";
import { cancelLink, deleteAttribution, saveLink, setAttribute, showAttribution, startLink } from "./workspace-links.js";
import { spanQuote } from "./workspace-state.js";
import { chain, enclosing } from "./workspace-nesting.js";
import { canLinkEntity, entityBadge, openPicker } from "./workspace-entities.js";

// A second-hand attribution's chain (X → Y → claim): the sources of its ancestors,
// outermost first, each with an arrow; empty for a first-hand one.
function chainOf(a, attributions) {
  return chain(attributions, a).slice(0, -1).flatMap((parent) => [
    h("span", { className: "ann-role-source ann-chain-source", title: "said, in its claim, that:" },
      parent.source ? spanQuote(state, parent.source, 30) : "(no source)"),
    " → "]);
}

function chainPrefix(a, attributions) {
  return chain(attributions, a).slice(0, -1)
    .map((parent) => `${parent.source ? spanQuote(state, parent.source, 30) : "(no source)"} → `).join("");
}

function describeAttribution(a, attributions = state.attributions) {
  return [
    ...chainOf(a, attributions),
    h("span", { className: "ann-role-source" }, a.source ? spanQuote(state, a.source, 40) : "(no source)"),
    a.source ? entityBadge(state.spans.get(String(a.source))) || "" : "",
    " — ",
    h("span", { className: "ann-role-cue" }, a.cue ? spanQuote(state, a.cue, 30) : "(no cue)"),
    " → ",
    h("span", { className: "ann-role-claim" }, a.claims.map((c) => `“${spanQuote(state, c)}”`).join(" … ")),
  ];
}

// The same as plain text (no entity badge): an entry not drawn in full yet.
function attributionText(a, attributions = state.attributions) {
  const claims = a.claims.map((c) => `“${spanQuote(state, c)}”`).join(" … ");
  return `${chainPrefix(a, attributions)}${a.source ? spanQuote(state, a.source, 40) : "(no source)"} — ${a.cue ? spanQuote(state, a.cue, 30) : "(no cue)"} → ${claims}`;
}

function attributeEditors(a) {
  const definitions = config.attribute_definitions.filter((d) => (d.applies_to || "attribution") === "attribution");
  return definitions.map((definition) => {
    const select = h("select", { "aria-label": definition.name.replace(/_/g, " "), disabled: state.readOnly || state.locked },
      h("option", { value: "" }, `${definition.name.replace(/_/g, " ")}: —`),
      ...definition.choices.map((choice) => h("option", { value: choice }, choice)));
    select.value = own(a.attributes, definition.name) || "";
    select.addEventListener("change", () => setAttribute(a, definition.name, select.value || null));
    select.addEventListener("click", (event) => event.stopPropagation());
    return select;
  });
}

export function renderPanels() {
  renderSelected();
  if (state.listsStale) renderLists();
  renderStatus();
}

// An attribution's entry (or a suggested one's) is drawn in full, with its roles, menus and
// buttons, when it scrolls near the side panel's visible part; until then it holds its
// text only. A long document's hundreds of attributions would otherwise cost thousands of
// elements (and <option>s) on every load.
const fills = new Map(); // entry element → how to draw it in full
const entries = new IntersectionObserver((seen) => {
  for (const entry of seen) {
    if (!entry.isIntersecting || !fills.has(entry.target)) continue;
    entries.unobserve(entry.target);
    fills.get(entry.target)();
    fills.delete(entry.target);
  }
}, { root: el.side, rootMargin: "600px 0px" });

function later(item, fill) {
  fills.set(item, fill);
  entries.observe(item);
  return item;
}

function fillAttribution(item, a) {
  item.replaceChildren(h("div", { className: "ann-attribution-text" }, ...describeAttribution(a)),
    h("div", { className: "ann-attribution-attrs", dataset: { id: a.id } }, ...attributeEditors(a)));
  const parent = a.parent ? state.attributions.get(String(a.parent)) : null;
  if (parent) {
    item.classList.add("ann-second-hand");
    const who = parent.source ? spanQuote(state, parent.source, 30) : "an unattributed claim";
    item.append(h("div", { className: "ann-muted ann-second-hand-note" },
      `second-hand: inside the claim of ${who}${state.readOnly || state.locked ? "" : " · p: the next one out · P: first-hand"}`));
  } else if (!state.readOnly && !state.locked && enclosing(state, a).length) {
    item.append(h("div", { className: "ann-muted ann-second-hand-note" }, "lies in another's claim: p makes it second-hand"));
  }
  if (a.review_state !== "pending") item.append(h("div", { className: `ann-review ann-review-${a.review_state}` }, a.review_state === "approved" ? "✓ approved" : "✗ rejected"));
  const history = h("button", { type: "button", className: "ann-link-button ann-attribution-history" }, "history");
  history.addEventListener("click", (event) => { event.stopPropagation(); openAttributionHistory(a); });
  item.append(history);
  if (!state.readOnly && !state.locked) {
    const remove = h("button", { type: "button", className: "ann-icon-button", title: "Delete this attribution (its spans stay)", "aria-label": "Delete attribution" }, "×");
    remove.addEventListener("click", (event) => { event.stopPropagation(); deleteAttribution(a); });
    item.append(remove);
  }
}

function renderLists() {
  state.listsStale = false;
  entries.disconnect();
  fills.clear();
  // Attributions: their text only, until seen (above).
  const mine = [...state.attributions.values()];
  const list = h("ul", { className: "ann-attribution-list" });
  for (const a of mine) {
    const item = later(h("li", { className: "ann-attribution", tabindex: 0, dataset: { id: a.id } }, attributionText(a)),
      () => fillAttribution(item, a));
    item.addEventListener("click", () => showAttribution(a));
    item.addEventListener("keydown", (event) => { if (event.key === "Enter") showAttribution(a); });
    list.append(item);
  }
  clear(el.attributions).append(
    h("h2", {}, `Attributions (${mine.length})`),
    mine.length ? list : h("p", { className: "ann-muted" }, state.readOnly ? "None yet."
      : "None yet. Select a claim, press a, then click its source and cue."));

  // Suggestions.
  const suggestedSpans = [...state.spans.values()].filter((s) => s.kind === "suggestion");
  const suggested = [...state.suggestedAttributions.values()];
  clear(el.suggestions);
  el.suggestions.hidden = state.readOnly;  // nothing to accept or reject: no empty card
  if (!state.readOnly) {
    el.suggestions.append(h("h2", {}, `Suggestions (${suggestedSpans.length} spans, ${suggested.length} attributions)`));
    if (suggestedSpans.length || suggested.length) {
      const all = h("div", { className: "ann-row" },
        button("Accept all", () => decideAll("accept"), { id: "ann-accept-all" }),
        button("Reject all", () => decideAll("reject"), { id: "ann-reject-all" }));
      el.suggestions.append(all);
      const items = h("ul", { className: "ann-attribution-list" });
      for (const a of suggested) {
        const item = later(h("li", { className: "ann-attribution ann-suggested-item", dataset: { id: a.id } }, attributionText(a, state.suggestedAttributions)),
          () => item.replaceChildren(h("div", { className: "ann-attribution-text" }, ...describeAttribution(a, state.suggestedAttributions)),
            h("div", { className: "ann-row" },
              button("Accept", () => decide("accept", { attributions: [a.id] })),
              button("Reject", () => decide("reject", { attributions: [a.id] })))));
        items.append(item);
      }
      el.suggestions.append(items);
    } else {
      el.suggestions.append(h("p", { className: "ann-muted" }, "No open suggestions."));
    }
  }

  // Reviewer feedback on my labels. A document's return comment says what to do
  // now, so it comes first (newest first) and stands out; then the decisions on labels.
  clear(el.feedback).append(h("h2", {}, `Reviewer feedback (${state.reviews.length})`));
  if (state.reviews.length) {
    const returns = state.reviews.filter((r) => r.decision === "return").reverse();
    const decisions = state.reviews.filter((r) => r.decision !== "return");
    el.feedback.append(h("ul", { className: "ann-feedback-list" }, ...returns.map((r) =>
      h("li", { className: "ann-review ann-review-return ann-feedback-return" },
        h("strong", {}, `Returned by ${r.reviewer_name}: `), r.note || "(no comment)")),
    ...decisions.map((r) => {
      const attribution = r.attribution && state.attributions.get(String(r.attribution));
      const target = r.span ? `span “${spanQuote(state, r.span, 40)}”` : attribution
        ? `attribution ${describeAttribution(attribution).map((p) => p.textContent ?? p).join("")}`
        : r.attribution ? `attribution ${r.attribution}` : "the document";
      return h("li", { className: `ann-review ann-review-${r.decision}` },
        h("strong", {}, `${r.reviewer_name} ${r.decision === "approve" ? "approved" : "rejected"} `),
        target, r.note ? h("div", { className: "ann-note" }, `“${r.note}”`) : null);
    })));
  } else {
    el.feedback.append(h("p", { className: "ann-muted" }, "No decisions yet."));
  }
}

function renderStatus() {
  const labels = { not_started: "Not started", in_progress: "In progress", submitted: "Submitted: locked until a reviewer returns it", approved: "Approved", returned: "Returned: please revise" };
  el.status.textContent = state.readOnly ? `Read only (${config.role})` : labels[state.status] || state.status;
  el.status.className = `ann-status ann-status-${state.status}`;
  el.submit.hidden = state.readOnly;
  el.submit.disabled = state.locked;
  document.body.classList.toggle("ann-locked", Boolean(state.locked || state.readOnly));
  renderLinkBar();
}

function renderSelected() {
  clear(el.selectedInfo);
  const span = state.spans.get(state.selected);
  if (!span) {
    el.selectedInfo.append(h("span", { className: "ann-muted" }, "Select text and press a label key, or click a label."));
    return;
  }
  el.selectedInfo.append(
    h("strong", {}, `${span.label}${span.kind === "suggestion" ? " (suggestion)" : ""}`), " ",
    h("q", {}, spanQuote(state, span.key, 80)), " ",
    h("span", { className: "ann-muted" }, `[${span.start}, ${span.end})`));
  const badge = entityBadge(span);
  if (badge) el.selectedInfo.append(" ", badge);
  if (canLinkEntity(span)) {
    el.selectedInfo.append(" ", button("Source entity (@)", () => linkEntity(span), { id: "ann-entity-open" }));
  }
  if (span.kind === "suggestion") {
    el.selectedInfo.append(" ", button("Accept (y)", () => decide("accept", { spans: [span.id] })),
      " ", button("Reject (n)", () => decide("reject", { spans: [span.id] })));
  } else if (span.kind === "mine" && !state.locked) {
    if (span.label === ROLE.claim) el.selectedInfo.append(" ", button("Link source and cue (a)", startLink));
    el.selectedInfo.append(" ", button("Delete (Del)", () => deleteSpan(span.key)));
  }
  if (span.id) el.selectedInfo.append(" ", button("History (h)", () => openHistory(span), { id: "ann-history-open" }));
}

export function linkEntity(span) {
  openPicker(span, () => reload({ keepMessage: true }));
}

// Who made, changed, accepted, approved or rejected it, when and why: a side panel.
export function openHistory(span) {
  showHistory(api, [{ kind: "span", id: span.id }], {
    side: el.side, title: `${span.label} “${spanQuote(state, span.key, 60)}”` });
}

function openAttributionHistory(a) {
  showHistory(api, [{ kind: "attribution", id: a.id }], {
    side: el.side, title: describeAttribution(a).map((p) => p.textContent ?? p).join("") });
}

export function renderLinkBar() {
  if (!state.link) {
    el.linkBar.hidden = true;
    return;
  }
  el.linkBar.hidden = false;
  const { claims, source, cue } = state.link;
  clear(el.linkBar).append(
    h("strong", {}, "Linking: "),
    `claim ${claims.map((c) => `“${spanQuote(state, c, 30)}”`).join(" … ")}`,
    ` · source: ${source ? `“${spanQuote(state, source, 30)}”` : "click a SOURCE (or select text, press its key)"}`,
    ` · cue: ${cue ? `“${spanQuote(state, cue, 30)}”` : "click a CUE"}`,
    " ", button("Save (Enter)", saveLink), " ", button("Cancel (Esc)", cancelLink));
}

export function renderLabelButtons() {
  clear(el.labels);
  for (const label of config.labels) {
    const b = h("button", { type: "button", className: "ann-label-button", dataset: { label: label.name },
      title: label.description || label.name, disabled: state.readOnly },
    h("span", { className: "ann-swatch", dataset: { pattern: own(PATTERN, label.name) || "solid" } }),
    label.name, label.hotkey ? h("kbd", {}, label.hotkey) : null);
    b.querySelector(".ann-swatch").style.borderBottomColor = label.color;
    // mousedown, not click: keep the text selection that the button would clear.
    b.addEventListener("mousedown", (event) => event.preventDefault());
    b.addEventListener("click", () => labelSelection(label.name));
    el.labels.append(b);
  }
}
