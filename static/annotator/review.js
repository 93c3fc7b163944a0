// The review view: every annotator's layer of one document, merged (or side
// by side), with disagreements highlighted. The reviewer approves or rejects
// each label, approves all agreed labels at once, corrects labels (their own
// correction, approved as made), returns the work with a comment, and
// approves the document. Decisions are append-only on the server.
//
// Data flows one way (STYLE.md): events → api → state → render. The merge is
// the DOM-free review-merge.js; text layout reuses layout.js and offsets.js.

import { ApiError, NetworkError, createApi } from "./api.js";
import { clear, h, own } from "./dom.js";
import { closeHistory, showHistory } from "./history.js";
import { blocks as makeBlocks, loneCrs, segments } from "./layout.js";
import { buildOffsetIndex, toCodePoint, toUtf16 } from "./offsets.js";
import { DECIDED, agreedTargets, bulkOutcome, bulkOutcomeText, decidable, decisionTargets, mergeLayers, nextUndecided, spanKey, summary,
  undecidedOf } from "./review-merge.js";
import { adjustSelection } from "./selection.js";

const config = JSON.parse(document.getElementById("ann-review-config").textContent);
const api = createApi({ csrfToken: config.csrf_token });
const LABELS = new Map(config.labels.map((label) => [label.name, label]));
const ROLE = config.role_labels;
const PATTERN = { [ROLE.claim]: "solid", [ROLE.source]: "double", [ROLE.cue]: "dotted" };
const REVIEWED = ["submitted", "approved"]; // whose work is under review
const OWN_LABEL = "This is your own label: another reviewer decides it (the project's setting review_own_labels is off).";

// The server's rule (access.may_review), so that the page offers only what it will accept:
// nobody decides a label they made, unless the project allows it; a reviewer's correction
// is its maker's review act, which they may take back.
function mayDecide(row) {
  return config.review_own_labels || row.origin === "review" || row.annotator !== config.user.id;
}

function ownWork(annotatorId) {
  return !config.review_own_labels && annotatorId === config.user.id;
}

const el = {
  text: document.getElementById("ann-text"),
  side: document.querySelector(".ann-side"),
  item: document.getElementById("ann-item"),
  items: document.getElementById("ann-items"),
  annotators: document.getElementById("ann-annotators"),
  progress: document.getElementById("ann-review-progress"),
  message: document.getElementById("ann-message"),
  approveAgreed: document.getElementById("ann-approve-agreed"),
  approveDocument: document.getElementById("ann-approve-document"),
  returnForm: document.getElementById("ann-return-form"),
  returnWho: document.getElementById("ann-return-annotator"),
  returnNote: document.getElementById("ann-return-note"),
  help: document.getElementById("ann-help"),
};

const state = {
  text: "",
  index: null,
  blocks: [],
  spans: [],          // the API's rows, every layer
  attributions: [],
  statuses: [],       // [{annotator, username, status, span_count}]
  participants: [],   // annotator ids under review
  items: [],
  byKey: new Map(),
  current: -1,        // index into items
  view: "merged",
  mode: null,         // null | "reject" | "correct"
  busy: false,
};

// --- Messages and calls -----------------------------------------------------------------

function say(text, kind = "info") {
  clear(el.message);
  if (!text) return;
  el.message.className = `ann-message ann-message-${kind}`;
  el.message.append(h("span", {}, text));
}

async function act(describe, run) {
  if (state.busy) return null;
  state.busy = true;
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      say(`${describe}: ${error.message} The page now shows the current state.`, "warning");
      await reload();
    } else {
      say(`${describe}: ${error.message}`, "error");
    }
    return null;
  } finally {
    state.busy = false;
  }
}

function username(id) {
  const row = state.statuses.find((s) => s.annotator === id);
  if (row) return row.username;
  return id === config.user.id ? config.user.username : `user ${id}`;
}

// --- State --------------------------------------------------------------------------------

function merge() {
  const keep = state.items[state.current]?.key;
  const merged = mergeLayers({ spans: state.spans, attributions: state.attributions, participants: state.participants });
  state.items = merged.items;
  state.byKey = merged.byKey;
  for (const item of state.items) {
    if (item.kind === "span") {
      item.s16 = toUtf16(state.index, item.start);
      item.e16 = toUtf16(state.index, item.end);
    }
  }
  const again = state.items.findIndex((i) => i.key === keep);
  state.current = again !== -1 ? again : state.items.length ? Math.max(0, nextUndecided(state.items, -1)) : -1;
}

async function load() {
  const [detail, statuses] = await Promise.all([
    api.get(`/documents/${config.document_id}/?layer=all`),
    api.get(`/documents/${config.document_id}/statuses/`),
  ]);
  if (detail.text !== state.text) {
    state.text = detail.text;
    state.index = buildOffsetIndex(detail.text);
    state.blocks = makeBlocks(detail.text);
  }
  state.spans = detail.spans;
  state.attributions = detail.attributions;
  state.statuses = statuses;
  state.participants = statuses.filter((s) => REVIEWED.includes(s.status)).map((s) => s.annotator);
  merge();
}

async function reload() {
  try {
    await load();
  } catch (error) {
    say(`Could not reload the document: ${error.message}`, "error");
    return;
  }
  renderAll();
}

// The server's answer to a decision: the new state of every row it touched.
function applyDecisions(reviews) {
  const states = { approve: "approved", reject: "rejected" };
  const spans = new Map(state.spans.map((s) => [s.id, s]));
  const attributions = new Map(state.attributions.map((a) => [a.id, a]));
  for (const r of reviews) {
    const row = r.span ? spans.get(r.span) : attributions.get(r.attribution);
    if (row && states[r.decision]) row.review_state = states[r.decision];
  }
  merge();
}

// --- Rendering ------------------------------------------------------------------------------

function itemClasses(item) {
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
  const images = [];
  const sizes = [];
  const positions = [];
  let tint = null;
  const marks = [];
  itemsHere.forEach((item, i) => {
    const color = (LABELS.get(item.label) || {}).color || "#666";
    const bottom = `calc(100% - ${seg.lanes[i] * 5}px)`;
    const pattern = own(PATTERN, item.label) || "solid";
    if (pattern === "double") {
      images.push(`linear-gradient(${color} 34%, transparent 34% 66%, ${color} 66%)`); sizes.push("100% 4px");
    } else if (pattern === "dotted") {
      images.push(`linear-gradient(to right, ${color} 50%, transparent 50%)`); sizes.push("4px 2px");
    } else {
      images.push(`linear-gradient(${color}, ${color})`); sizes.push("100% 2px");
    }
    positions.push(`0 ${bottom}`);
    if (item.label === ROLE.claim && item.state !== "rejected") tint = color;
    if (seg.start === item.s16) marks.push(markOf(item));
  });
  segEl.style.backgroundImage = images.join(", ");
  segEl.style.backgroundSize = sizes.join(", ");
  segEl.style.backgroundPosition = positions.join(", ");
  segEl.style.backgroundRepeat = "repeat-x";
  segEl.style.paddingBottom = `${(Math.max(...seg.lanes) + 1) * 5}px`;
  if (tint) segEl.style.backgroundColor = `${tint}1a`;
  if (marks.length) segEl.dataset.marks = marks.join(" ");
}

// One rendering of the text with the given span items: a list of block elements.
function renderText(spanItems) {
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
        const segEl = h("span", { className: "ann-seg", dataset: { u16: seg.start } }, state.text.slice(seg.start, seg.end));
        if (crs.length && state.text[seg.start] === "\r" && seg.end === seg.start + 1) segEl.classList.add("ann-cr");
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
    return h("div", { className: "ann-block", dataset: { block: b } }, ...children);
  });
}

function renderTextArea() {
  const spanItems = state.items.filter((i) => i.kind === "span");
  el.text.classList.toggle("ann-side-by-side", state.view === "side");
  if (state.view === "merged") {
    el.text.replaceChildren(...renderText(spanItems));
    return;
  }
  const columns = state.participants.map((id) => ({ title: username(id), test: (i) => i.rows.some((r) => r.annotator === id && r.origin !== "review") }));
  if (spanItems.some((i) => i.correction)) columns.push({ title: "Reviewer's corrections", test: (i) => i.correction });
  // A grid row per block, so that each paragraph lines up across the columns.
  const rendered = columns.map((column) => renderText(spanItems.filter(column.test)));
  el.text.style.gridTemplateColumns = `repeat(${columns.length}, minmax(0, 1fr))`;
  el.text.replaceChildren(...columns.map((column) => h("h2", { className: "ann-column-title" }, column.title)),
    ...state.blocks.flatMap((_, b) => rendered.map((blocksOfColumn) => blocksOfColumn[b])));
}

function describe(item, max = 60) {
  if (!item) return "";
  if (item.kind === "span") {
    const q = item.quote.replace(/\s+/g, " ");
    return `“${q.length > max ? `${q.slice(0, max - 1)}…` : q}”`;
  }
  const part = (key, fallback) => (key && state.byKey.get(key) ? describe(state.byKey.get(key), 30) : fallback);
  return `${part(item.source, "(no source)")} — ${part(item.cue, "(no cue)")} → ${item.claims.map((k) => part(k, "?")).join(" … ")}`;
}

function stateText(item) {
  return { approved: "approved ✓", rejected: "rejected ✗", pending: "undecided", mixed: "decided differently per annotator" }[item.state] || item.state;
}

function button(label, run, props = {}) {
  const b = h("button", { type: "button", className: "ann-button ann-button-small", ...props }, label);
  b.addEventListener("click", (event) => { event.stopPropagation(); run(); });
  return b;
}

function renderItem() {
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

function renderAll() {
  renderTextArea();
  renderItem();
  renderItemList();
  renderHeader();
}

function scrollToCurrent() {
  const item = state.items[state.current];
  if (!item) return;
  const key = item.kind === "span" ? item.key : item.claims[0];
  const seg = [...el.text.querySelectorAll(".ann-seg[data-keys]")].find((s) => s.dataset.keys.split(",").includes(key));
  if (seg) seg.scrollIntoView({ block: "center" });
}

function select(i) {
  if (i < 0 || i >= state.items.length) return;
  state.current = i;
  state.mode = null;
  renderAll();
  scrollToCurrent();
}

function setMode(mode) {
  state.mode = mode;
  renderItem();
  if (mode === "correct") say(state.items[state.current]?.kind === "span"
    ? "Correcting: select text (optional), then press a label key." : "Correcting: pick the claim, source and cue, then save.", "info");
  else say("");
}

// --- Actions --------------------------------------------------------------------------------

function reasonText() {
  const input = document.getElementById("ann-reason");
  return input ? input.value.trim() : "";
}

async function decide(decision) {
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

async function approveAgreed() {
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

async function correctSpan(labelName) {
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

async function correctAttribution(item, { claims, source, cue }) {
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

function openHistory() {
  const item = state.items[state.current];
  if (!item) return;
  const targets = item.rows.map((r) => ({ kind: item.kind, id: r.id,
    heading: r.origin === "review" ? `${username(r.annotator)}'s correction` : `${username(r.annotator)}'s copy` }));
  showHistory(api, targets, { side: el.side, title: `${item.kind === "span" ? item.label : "Attribution"} ${describe(item, 60)}` });
}

async function approveDocument() {
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

el.returnForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const annotator = Number(el.returnWho.value);
  const note = el.returnNote.value.trim();
  const done = await act("return", () => api.post(`/documents/${config.document_id}/status/`, { action: "return", annotator, note }));
  if (!done) return;
  el.returnNote.value = "";
  await reload();
  say(`Returned to ${username(annotator)}${note ? " with your comment" : ""}.`, "success");
});

// --- Events ---------------------------------------------------------------------------------

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
    el.help.hidden = !el.help.hidden;
    if (!el.help.hidden) el.help.querySelector("button").focus();
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
  };
  const run = actions[event.key];
  if (run) { event.preventDefault(); run(); }
});

for (const radio of document.querySelectorAll("input[name=ann-view]")) {
  radio.addEventListener("change", () => { state.view = radio.value; renderTextArea(); scrollToCurrent(); });
}
el.approveAgreed.addEventListener("click", approveAgreed);
el.approveDocument.addEventListener("click", approveDocument);
el.help.querySelector("button").addEventListener("click", () => { el.help.hidden = true; });
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof ApiError || event.reason instanceof NetworkError) event.preventDefault();
});

// --- Start ----------------------------------------------------------------------------------

try {
  await load();
  renderAll();
  if (!state.participants.length) say("Nobody has submitted this document yet: there is nothing to review.", "info");
  document.body.dataset.ready = "true";
} catch (error) {
  say(`Could not load the document: ${error.message}`, "error");
}
