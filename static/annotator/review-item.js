// The panel of the item in view: what it is, who has it, what it conflicts
// with, the reason field and the decide buttons, and the correction forms.

import { clear, h } from "./dom.js";
import { button } from "./page.js";
import { correctAttribution, correctSpan, decide, openHistory } from "./review-actions.js";
import { config, el, mayDecide, OWN_LABEL, ROLE, state, username } from "./review-context.js";
import { decidable } from "./review-merge.js";
import { describe, select, setMode, stateText } from "./review-render.js";

export function renderItem() {
  const item = state.items[state.current];
  clear(el.item);
  if (!item) {
    el.item.append(h("h2", {}, "Label"), h("p", { className: "ann-muted" }, state.participants.length
      ? "Nobody labelled anything here." : "Nobody has submitted this document for review yet."));
    return;
  }
  el.item.dataset.key = item.key;
  const who = state.participants.map((id) => {
    const has = item.annotators.includes(id);
    return h("li", { className: has ? "ann-has" : "ann-has-not" }, `${has ? "✓" : "–"} ${username(id)}`);
  });
  el.item.append(
    h("h2", {}, `${state.current + 1} of ${state.items.length} · ${item.kind === "span" ? item.label : "Attribution"}`),
    h("p", { className: "ann-item-text" }, describe(item, 200),
      item.kind === "span" ? h("span", { className: "ann-muted" }, ` [${item.start}, ${item.end})`) : null),
    h("p", { className: `ann-item-state ann-item-${item.state}` },
      item.correction ? "Reviewer's correction · " : "",
      item.agreed ? "agreed by everyone · " : item.correction ? "" : "not agreed · ", stateText(item)),
    item.correction && !item.annotators.length ? null : h("ul", { className: "ann-who" }, ...who));
  if (item.kind === "span") el.item.append(...entityLines(item));
  if (item.conflicts.length) {
    const list = h("ul", { className: "ann-conflicts" });
    for (const key of item.conflicts) {
      const other = state.byKey.get(key);
      const link = h("a", { href: "#", dataset: { key } }, `${other.kind === "span" ? other.label : "Attribution"} ${describe(other, 40)}`);
      link.addEventListener("click", (event) => { event.preventDefault(); select(state.items.indexOf(other)); });
      list.append(h("li", {}, link, h("span", { className: "ann-muted" },
        ` — ${other.annotators.map(username).join(", ") || "correction"}${other.kind === "span" ? ` [${other.start}, ${other.end})` : ""} · ${stateText(other)}`)));
    }
    el.item.append(h("p", { className: "ann-conflict-title" }, "Conflicts with:"), list);
  }
  const correct = button("Correct (c)", () => setMode(state.mode === "correct" ? null : "correct"), { id: "ann-correct" });
  const history = button("History (h)", openHistory, { id: "ann-history-open", className: "ann-button ann-button-small ann-button-quiet" });
  if (!decidable(item, mayDecide)) {
    // Nothing here is the reviewer's to decide: no approve or reject, only what is allowed.
    el.item.append(h("p", { className: "ann-own-label", id: "ann-own-label" }, OWN_LABEL),
      h("div", { className: "ann-row ann-decide" }, correct, history));
  } else {
    if (!item.rows.every(mayDecide)) {
      el.item.append(h("p", { className: "ann-own-label ann-muted" }, "Your own copy of it is left to another reviewer."));
    }
    const reason = h("input", { id: "ann-reason", type: "text", maxlength: 2000, "aria-label": "Reason (optional)",
      placeholder: state.mode === "reject" ? "Reason for rejecting (optional): Enter rejects, Esc cancels" : "Reason (optional)" });
    reason.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); decide(state.mode === "reject" ? "reject" : "approve"); }
      if (event.key === "Escape") { event.preventDefault(); setMode(null); reason.blur(); }
    });
    el.item.append(reason, h("div", { className: "ann-row ann-decide" },
      button("Approve (a)", () => decide("approve"), { id: "ann-approve" }),
      button("Reject (r)", () => (state.mode === "reject" ? decide("reject") : setMode("reject")), { id: "ann-reject" }),
      correct, history));
    if (state.mode === "reject") reason.focus();
  }
  if (state.mode === "correct") el.item.append(item.kind === "span" ? correctSpanForm(item) : correctAttributionForm(item));
}

// The source entity each copy of a SOURCE span is linked to (approving the span approves
// the link): one line when the copies agree, a line per entity when they do not.
function entityLines(item) {
  const byEntity = new Map();
  for (const row of item.rows) {
    if (!row.entity) continue;
    if (!byEntity.has(row.entity)) byEntity.set(row.entity, []);
    byEntity.get(row.entity).push(row.annotator);
  }
  if (!byEntity.size) return [];
  const name = (id) => (state.entityNames.get(id) || { name: `entity ${id}` }).name;
  const lines = [...byEntity].map(([id, who]) => h("li", {}, h("span", { className: "ann-entity" }, name(id)),
    byEntity.size > 1 || who.length < item.rows.length ? h("span", { className: "ann-muted" }, ` — ${who.map(username).join(", ")}`) : null));
  return [h("p", { className: "ann-entity-title" }, byEntity.size > 1 ? "Source entities (they differ):" : "Source entity:"),
    h("ul", { className: "ann-entities", id: "ann-item-entities" }, ...lines)];
}

function correctSpanForm(item) {
  const form = h("div", { className: "ann-correct", id: "ann-correct-form" },
    h("p", {}, "Select the right text in the document (or keep these boundaries), then press a label key or click a label."));
  const row = h("div", { className: "ann-row" });
  for (const label of config.labels) {
    const b = button(`${label.name}${label.hotkey ? ` (${label.hotkey})` : ""}`, () => correctSpan(label.name), { dataset: { label: label.name } });
    b.addEventListener("mousedown", (event) => event.preventDefault()); // keep the text selection
    row.append(b);
  }
  row.append(button("Cancel (Esc)", () => setMode(null), { className: "ann-button ann-button-small ann-button-quiet" }));
  form.append(row);
  return form;
}

function spanChoices(labelName, selected, { none = false } = {}) {
  const select = h("select", { "aria-label": labelName });
  if (none) select.append(h("option", { value: "" }, `(no ${labelName.toLowerCase()})`));
  for (const item of state.items) {
    if (item.kind !== "span" || item.label !== labelName || item.state === "rejected") continue;
    select.append(h("option", { value: item.key }, `${describe(item, 50)} [${item.start}, ${item.end})`));
  }
  select.value = selected || "";
  return select;
}

function correctAttributionForm(item) {
  const claim = spanChoices(ROLE.claim, item.claims[0]);
  const source = spanChoices(ROLE.source, item.source, { none: true });
  const cue = spanChoices(ROLE.cue, item.cue, { none: true });
  const form = h("div", { className: "ann-correct", id: "ann-correct-form" },
    h("p", {}, "The attribution as it should be:"),
    h("label", {}, "Claim ", claim), h("label", {}, "Source ", source), h("label", {}, "Cue ", cue));
  const save = () => correctAttribution(item, {
    claims: [claim.value, ...item.claims.slice(1)], source: source.value || null, cue: cue.value || null });
  form.append(h("div", { className: "ann-row" }, button("Save the correction", save, { id: "ann-correct-save" }),
    button("Cancel (Esc)", () => setMode(null), { className: "ann-button ann-button-small ann-button-quiet" })));
  return form;
}
