// The annotation workspace: the document as text, spans drawn over it,
// attributions in a side panel, suggestions to accept or reject.
//
// Data flows one way (STYLE.md): events → api → state → render. The pure
// parts live in offsets.js (UTF-16 ↔ code points, used only at the API
// boundary), layout.js (blocks and segments) and selection.js (snapping).
// An edit re-renders only the blocks its spans touch.

import { ApiError, NetworkError, createApi } from "./api.js";
import { clear, h, markdownToNodes, own } from "./dom.js";
import { closeHistory, showHistory } from "./history.js";
import { blockRange, blocks as makeBlocks, loneCrs, segments } from "./layout.js";
import { buildOffsetIndex, toCodePoint, toUtf16 } from "./offsets.js";
import { adjustSelection } from "./selection.js";

const config = JSON.parse(document.getElementById("ann-config").textContent);
const api = createApi({ csrfToken: config.csrf_token });
const LABELS = new Map(config.labels.map((label) => [label.name, label]));
const ROLE = config.role_labels; // {claim: "CLAIM", source: "SOURCE", cue: "CUE"}
const PATTERN = { [ROLE.claim]: "solid", [ROLE.source]: "double", [ROLE.cue]: "dotted" };

const el = {
  text: document.getElementById("ann-text"),
  labels: document.getElementById("ann-labels"),
  attributions: document.getElementById("ann-attributions"),
  suggestions: document.getElementById("ann-suggestions"),
  feedback: document.getElementById("ann-feedback"),
  guidelines: document.getElementById("ann-guidelines"),
  message: document.getElementById("ann-message"),
  status: document.getElementById("ann-doc-status"),
  submit: document.getElementById("ann-submit"),
  snap: document.getElementById("ann-snap"),
  help: document.getElementById("ann-help"),
  linkBar: document.getElementById("ann-link-bar"),
  selectedInfo: document.getElementById("ann-selected"),
};

const state = {
  text: "",
  index: null,
  blocks: [],
  blockEls: [],
  byBlock: [],            // block index → Set of span keys
  spans: new Map(),       // key → span; key is the id, or "tmp-N" until saved
  attributions: new Map(),
  suggestedAttributions: new Map(),
  bySuggestion: new Map(),  // suggestion span id → key of my span made from it
  reviews: [],
  status: "not_started",
  selected: null,         // span key
  flash: new Set(),       // span keys highlighted from the panel
  link: null,             // {claims: [key], source: key|null, cue: key|null} while linking
  undo: [],
  pending: [],            // actions that could not reach the server, kept for Retry
  readOnly: !config.can_annotate,
  layer: config.can_annotate ? "mine" : "all",
};
let tmpCounter = 0;
// The attribution, suggestion and feedback lists are drawn again only when
// what they show changed: with hundreds of attributions, drawing them on every
// keystroke cost more than the edit itself.
let listsStale = true;

// --- Messages -------------------------------------------------------------------------

function say(text, kind = "info", actions = []) {
  clear(el.message);
  if (!text) return;
  el.message.className = `ann-message ann-message-${kind}`;
  el.message.append(h("span", {}, text));
  for (const [label, run] of actions) {
    const button = h("button", { type: "button", className: "ann-button ann-button-small" }, label);
    button.addEventListener("click", run);
    el.message.append(" ", button);
  }
}

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
async function act(describe, run, { keepOnFailure = true } = {}) {
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

// --- State ------------------------------------------------------------------------------

function spanFromApi(raw, kind) {
  return {
    key: String(raw.id), id: raw.id, kind, label: raw.label, start: raw.start, end: raw.end,
    s16: toUtf16(state.index, raw.start), e16: toUtf16(state.index, raw.end),
    quote: raw.quote, version: raw.version, review: raw.review_state, origin: raw.origin,
    confidence: raw.confidence, unsaved: false,
  };
}

function indexSpan(span) {
  const [first, last] = blockRange(state.blocks, span.s16, span.e16);
  for (let i = first; i <= last; i++) state.byBlock[i].add(span.key);
  return [first, last];
}

function unindexSpan(span) {
  const [first, last] = blockRange(state.blocks, span.s16, span.e16);
  for (let i = first; i <= last; i++) state.byBlock[i].delete(span.key);
  return [first, last];
}

function putSpan(span) {
  const old = state.spans.get(span.key);
  const touched = old ? unindexSpan(old) : null;
  state.spans.set(span.key, span);
  const range = indexSpan(span);
  renderBlocks(touched ? [touched, range] : [range]);
}

function dropSpan(key) {
  const span = state.spans.get(key);
  if (!span) return;
  state.spans.delete(key);
  const range = unindexSpan(span);
  if (state.selected === key) state.selected = null;
  renderBlocks([range]);
}

function ingest(detail, reviews) {
  if (detail.text !== state.text) {
    state.text = detail.text;
    state.index = buildOffsetIndex(detail.text);
    state.blocks = makeBlocks(detail.text);
  }
  state.byBlock = state.blocks.map(() => new Set());
  state.spans = new Map();
  const ownKind = state.readOnly ? "other" : "mine";
  for (const raw of detail.spans) {
    const span = spanFromApi(raw, raw.annotator === config.user.id ? ownKind : "other");
    state.spans.set(span.key, span);
    indexSpan(span);
  }
  if (!state.readOnly) {
    // A suggestion I already have as my own label adds nothing: leave it out.
    const mine = new Set(detail.spans.map((s) => `${s.label}:${s.start}:${s.end}`));
    for (const raw of detail.suggestions.spans) {
      if (mine.has(`${raw.label}:${raw.start}:${raw.end}`)) continue;
      const span = spanFromApi(raw, "suggestion");
      state.spans.set(span.key, span);
      indexSpan(span);
    }
  }
  state.attributions = new Map(detail.attributions.map((a) => [String(a.id), a]));
  state.bySuggestion = new Map(detail.spans.filter((s) => s.suggestion)
    .map((s) => [String(s.suggestion), String(s.id)]));
  listsStale = true;
  state.suggestedAttributions = new Map(
    state.readOnly ? [] : detail.suggestions.attributions.map((a) => [String(a.id), a]));
  state.status = detail.my_status;
  state.reviews = reviews;
  if (state.selected && !state.spans.has(state.selected)) state.selected = null;
  if (!state.readOnly && ["submitted", "approved"].includes(state.status)) state.locked = true;
  else state.locked = false;
}

async function load() {
  const [detail, reviews] = await Promise.all([
    api.get(`/documents/${config.document_id}/?layer=${state.layer}`),
    api.get(`/documents/${config.document_id}/reviews/`),
  ]);
  ingest(detail, reviews);
}

async function reload({ keepMessage = false } = {}) {
  try {
    await load();
  } catch (error) {
    say(`Could not reload the document: ${error.message}`, "error", [["Try again", () => reload()]]);
    return;
  }
  renderAll();
  if (!keepMessage && !state.pending.length) say("");
}

// --- Rendering ----------------------------------------------------------------------------

function spanStyle(seg, segEl) {
  const images = [];
  const sizes = [];
  const positions = [];
  let tint = null;
  const marks = [];
  seg.ids.forEach((key, i) => {
    const span = state.spans.get(key);
    const color = (LABELS.get(span.label) || {}).color || "#666";
    const lane = seg.lanes[i];
    const bottom = `calc(100% - ${lane * 5}px)`;
    const pattern = span.kind === "suggestion" ? "dashed" : own(PATTERN, span.label) || "solid";
    if (pattern === "solid") {
      images.push(`linear-gradient(${color}, ${color})`); sizes.push("100% 2px");
    } else if (pattern === "double") {
      images.push(`linear-gradient(${color} 34%, transparent 34% 66%, ${color} 66%)`); sizes.push("100% 4px");
    } else if (pattern === "dotted") {
      images.push(`linear-gradient(to right, ${color} 50%, transparent 50%)`); sizes.push("4px 2px");
    } else {
      images.push(`linear-gradient(to right, ${color} 55%, transparent 55%)`); sizes.push("9px 2px");
    }
    positions.push(`0 ${bottom}`);
    if (span.label === ROLE.claim && span.kind !== "suggestion") tint = color;
    if (seg.start === span.s16) {
      const review = span.review === "approved" ? " ✓" : span.review === "rejected" ? " ✗" : "";
      marks.push(`${span.label}${span.kind === "suggestion" ? "?" : ""}${review}`);
    }
  });
  segEl.style.backgroundImage = images.join(", ");
  segEl.style.backgroundSize = sizes.join(", ");
  segEl.style.backgroundPosition = positions.join(", ");
  segEl.style.backgroundRepeat = "repeat-x";
  segEl.style.paddingBottom = `${(Math.max(...seg.lanes) + 1) * 5}px`;
  if (tint) segEl.style.backgroundColor = `${tint}1f`;
  if (marks.length) segEl.dataset.marks = marks.join(" ");
}

function renderBlock(i) {
  const block = state.blocks[i];
  const spans = [...state.byBlock[i]].map((key) => {
    const span = state.spans.get(key);
    return { id: key, start: span.s16, end: span.e16 };
  });
  const children = [];
  const linking = new Set(linkKeys());
  const crs = loneCrs(state.text, block.start, block.end);
  for (const seg of segments(block.start, block.end, spans, crs)) {
    const segEl = h("span", { className: "ann-seg", dataset: { u16: seg.start } },
      state.text.slice(seg.start, seg.end));
    if (crs.length && state.text[seg.start] === "\r" && seg.end === seg.start + 1) segEl.classList.add("ann-cr");
    if (seg.ids.length) {
      segEl.classList.add("ann-spanned");
      segEl.dataset.keys = seg.ids.join(",");
      spanStyle(seg, segEl);
      const spansHere = seg.ids.map((key) => state.spans.get(key));
      if (seg.ids.includes(state.selected)) segEl.classList.add("ann-selected");
      if (seg.ids.some((key) => state.flash.has(key))) segEl.classList.add("ann-flash");
      if (spansHere.some((s) => s.kind === "suggestion")) segEl.classList.add("ann-suggested");
      if (spansHere.some((s) => s.unsaved)) segEl.classList.add("ann-unsaved");
      if (linking.size && seg.ids.some((k) => linking.has(k))) segEl.classList.add("ann-linking");
    }
    children.push(segEl);
  }
  state.blockEls[i].replaceChildren(...children);
}

function renderBlocks(ranges) {
  const done = new Set();
  for (const [first, last] of ranges) {
    for (let i = first; i <= last; i++) {
      if (!done.has(i)) renderBlock(i);
      done.add(i);
    }
  }
  renderPanels();
}

function renderAll() {
  state.blockEls = state.blocks.map((_, i) => h("div", { className: "ann-block", dataset: { block: i } }));
  state.blocks.forEach((_, i) => renderBlock(i));
  el.text.replaceChildren(...state.blockEls);
  renderPanels();
}

function spanQuote(key, max = 60) {
  // A suggested attribution may point at a suggestion I already accepted: show my copy.
  const span = state.spans.get(String(key)) || state.spans.get(state.bySuggestion.get(String(key)));
  if (!span) return `(span ${key})`;
  const quote = state.text.slice(span.s16, span.e16).replace(/\s+/g, " ");
  return quote.length > max ? `${quote.slice(0, max - 1)}…` : quote;
}

function describeAttribution(a) {
  return [
    h("span", { className: "ann-role-source" }, a.source ? spanQuote(a.source, 40) : "(no source)"),
    " — ",
    h("span", { className: "ann-role-cue" }, a.cue ? spanQuote(a.cue, 30) : "(no cue)"),
    " → ",
    h("span", { className: "ann-role-claim" }, a.claims.map((c) => `“${spanQuote(c)}”`).join(" … ")),
  ];
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

function renderPanels() {
  renderSelected();
  if (listsStale) renderLists();
  renderStatus();
}

// An attribution's attribute menus are built when it scrolls near the side
// panel's visible part: a long document's hundreds of attributions would
// otherwise cost thousands of <option>s on every load.
const attributeMenus = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    attributeMenus.unobserve(entry.target);
    const a = state.attributions.get(entry.target.dataset.id);
    if (a) entry.target.replaceChildren(...attributeEditors(a));
  }
}, { rootMargin: "600px 0px" });

function renderLists() {
  listsStale = false;
  attributeMenus.disconnect();
  // Attributions.
  const mine = [...state.attributions.values()];
  const list = h("ul", { className: "ann-attribution-list" });
  for (const a of mine) {
    const menus = h("div", { className: "ann-attribution-attrs", dataset: { id: a.id } });
    attributeMenus.observe(menus);
    const item = h("li", { className: "ann-attribution", tabindex: 0, dataset: { id: a.id } },
      h("div", { className: "ann-attribution-text" }, ...describeAttribution(a)), menus);
    if (a.review_state !== "pending") item.append(h("div", { className: `ann-review ann-review-${a.review_state}` }, a.review_state === "approved" ? "✓ approved" : "✗ rejected"));
    const history = h("button", { type: "button", className: "ann-link-button ann-attribution-history" }, "history");
    history.addEventListener("click", (event) => { event.stopPropagation(); openAttributionHistory(a); });
    item.append(history);
    if (!state.readOnly && !state.locked) {
      const remove = h("button", { type: "button", className: "ann-icon-button", title: "Delete this attribution (its spans stay)", "aria-label": "Delete attribution" }, "×");
      remove.addEventListener("click", (event) => { event.stopPropagation(); deleteAttribution(a); });
      item.append(remove);
    }
    item.addEventListener("click", () => showAttribution(a));
    item.addEventListener("keydown", (event) => { if (event.key === "Enter") showAttribution(a); });
    list.append(item);
  }
  clear(el.attributions).append(
    h("h2", {}, `Attributions (${mine.length})`),
    mine.length ? list : h("p", { className: "ann-muted" }, "None yet. Select a claim, press a, then click its source and cue."));

  // Suggestions.
  const suggestedSpans = [...state.spans.values()].filter((s) => s.kind === "suggestion");
  const suggested = [...state.suggestedAttributions.values()];
  clear(el.suggestions);
  if (!state.readOnly) {
    el.suggestions.append(h("h2", {}, `Suggestions (${suggestedSpans.length} spans, ${suggested.length} attributions)`));
    if (suggestedSpans.length || suggested.length) {
      const all = h("div", { className: "ann-row" },
        button("Accept all", () => decideAll("accept"), "ann-accept-all"),
        button("Reject all", () => decideAll("reject"), "ann-reject-all"));
      el.suggestions.append(all);
      const items = h("ul", { className: "ann-attribution-list" });
      for (const a of suggested) {
        items.append(h("li", { className: "ann-attribution ann-suggested-item", dataset: { id: a.id } },
          h("div", { className: "ann-attribution-text" }, ...describeAttribution(a)),
          h("div", { className: "ann-row" },
            button("Accept", () => decide("accept", { attributions: [a.id] })),
            button("Reject", () => decide("reject", { attributions: [a.id] })))));
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
      const target = r.span ? `span “${spanQuote(r.span, 40)}”` : attribution
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
    h("q", {}, spanQuote(span.key, 80)), " ",
    h("span", { className: "ann-muted" }, `[${span.start}, ${span.end})`));
  if (span.kind === "suggestion") {
    el.selectedInfo.append(" ", button("Accept (y)", () => decide("accept", { spans: [span.id] })),
      " ", button("Reject (n)", () => decide("reject", { spans: [span.id] })));
  } else if (span.kind === "mine" && !state.locked) {
    if (span.label === ROLE.claim) el.selectedInfo.append(" ", button("Link source and cue (a)", startLink));
    el.selectedInfo.append(" ", button("Delete (Del)", () => deleteSpan(span.key)));
  }
  if (span.id) el.selectedInfo.append(" ", button("History (h)", () => openHistory(span), "ann-history-open"));
}

// Who made, changed, accepted, approved or rejected it, when and why: a side panel.
function openHistory(span) {
  showHistory(api, [{ kind: "span", id: span.id }], {
    side: document.querySelector(".ann-side"), title: `${span.label} “${spanQuote(span.key, 60)}”` });
}

function openAttributionHistory(a) {
  showHistory(api, [{ kind: "attribution", id: a.id }], {
    side: document.querySelector(".ann-side"), title: describeAttribution(a).map((p) => p.textContent ?? p).join("") });
}

function renderLinkBar() {
  if (!state.link) {
    el.linkBar.hidden = true;
    return;
  }
  el.linkBar.hidden = false;
  const { claims, source, cue } = state.link;
  clear(el.linkBar).append(
    h("strong", {}, "Linking: "),
    `claim ${claims.map((c) => `“${spanQuote(c, 30)}”`).join(" … ")}`,
    ` · source: ${source ? `“${spanQuote(source, 30)}”` : "click a SOURCE (or select text, press its key)"}`,
    ` · cue: ${cue ? `“${spanQuote(cue, 30)}”` : "click a CUE"}`,
    " ", button("Save (Enter)", saveLink), " ", button("Cancel (Esc)", cancelLink));
}

function button(label, run, id) {
  const b = h("button", { type: "button", className: "ann-button ann-button-small", id });
  b.textContent = label;
  b.addEventListener("click", (event) => { event.stopPropagation(); run(); });
  return b;
}

function renderLabelButtons() {
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

// --- Selection → offsets -------------------------------------------------------------

function positionOf(node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    return Number(node.parentElement.closest("[data-u16]").dataset.u16) + offset;
  }
  if (node === el.text) {
    const block = el.text.children[offset];
    return block ? state.blocks[Number(block.dataset.block)].start : state.text.length;
  }
  if (node.classList.contains("ann-block")) {
    const seg = node.children[offset];
    return seg ? Number(seg.dataset.u16) : state.blocks[Number(node.dataset.block)].end;
  }
  const seg = node.closest("[data-u16]");
  if (!seg) return null;
  return Number(seg.dataset.u16) + (offset === 0 ? 0 : seg.textContent.length);
}

function selectedRange() {
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!el.text.contains(range.startContainer) || !el.text.contains(range.endContainer)) return null;
  const a = positionOf(range.startContainer, range.startOffset);
  const b = positionOf(range.endContainer, range.endOffset);
  if (a === null || b === null) return null;
  return adjustSelection(state.text, a, b, { snap: el.snap.checked });
}

// --- Actions ----------------------------------------------------------------------------

function editable() {
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

async function labelSelection(labelName) {
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
  const start = toCodePoint(state.index, s16);
  const end = toCodePoint(state.index, e16);
  const quote = state.text.slice(s16, e16);
  const tmp = { key: `tmp-${++tmpCounter}`, id: null, kind: "mine", label: labelName, start, end,
    s16, e16, quote, version: 1, review: "pending", unsaved: true };
  // The new span becomes the selected one; the block of the one selected before
  // is drawn again too, or it would keep its selection outline.
  const previous = state.selected;
  state.selected = tmp.key;
  putSpan(tmp); // shows at once; saved below
  if (previous && previous !== tmp.key) rerenderKeys([previous]);
  const body = { label: labelName, start, end, quote };
  let saved;
  try {
    saved = await act(`${labelName} “${spanQuote(tmp.key, 30)}”`, async () => {
      try {
        return await api.post(`/documents/${config.document_id}/spans/`, body);
      } catch (error) {
        // A retried request that did reach the server: the span is there already.
        if (error instanceof ApiError && error.body?.code === "duplicate" && error.body.current) return error.body.current;
        throw error;
      }
    }, { keepOnFailure: true });
  } catch (error) {
    if (!(error instanceof NetworkError)) dropSpan(tmp.key);
    return null;
  }
  const span = spanFromApi(saved, "mine");
  if (state.selected === tmp.key) state.selected = span.key;
  replaceKeyInLink(tmp.key, span.key);
  state.spans.delete(tmp.key);
  unindexSpan(tmp);
  putSpan(span); // re-renders the blocks of both
  if (undoable) state.undo.push({ describe: `create ${labelName}`, undo: () => deleteSpan(span.key, { undoable: false }) });
  renderPanels();
  if (state.status === "not_started") state.status = "in_progress";
  return span.key;
}

async function deleteSpan(key, { undoable = true } = {}) {
  if (!editable()) return;
  const span = state.spans.get(key);
  if (!span || span.kind !== "mine" || span.unsaved) return;
  const usedBy = [...state.attributions.values()].filter((a) => [a.source, a.cue, ...a.claims].includes(span.id));
  const quote = spanQuote(key, 30);
  await act(`delete ${span.label} “${quote}”`, () => api.delete(`/spans/${span.id}/`, span.version));
  dropSpan(key);
  if (usedBy.length) await reload({ keepMessage: true }); // attributions lost this span
  if (undoable) {
    // The server restores the same span (same id, reviews, history) and what its delete
    // did to attributions; creating a new one would lose all that.
    state.undo.push({ describe: `delete ${span.label}`, undo: () => restoreSpan(span, quote) });
    say(`Deleted ${span.label} “${quote}”.`, "info", [["Undo (Ctrl+Z)", undo]]);
  }
}

// A retried request that did reach the server finds the label back already.
function alreadyBack(error) {
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
  putSpan(spanFromApi(saved, "mine"));
  if (undoable) state.undo.push({ describe: `relabel ${before}`, undo: () => relabel(state.spans.get(span.key), before, { undoable: false }) });
  await reload({ keepMessage: true });
}

async function decide(decision, { spans = [], attributions = [] }) {
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

async function decideAll(decision) {
  const spans = [...state.spans.values()].filter((s) => s.kind === "suggestion").map((s) => s.id);
  const attributions = [...state.suggestedAttributions.values()].map((a) => a.id);
  if (spans.length || attributions.length) await decide(decision, { spans, attributions });
}

// Attributions: select a claim, press a (or the button), click the source and
// the cue (or select text and press their keys to create them), Enter saves.
function startLink() {
  if (!editable()) return;
  const span = state.spans.get(state.selected);
  if (!span || span.kind !== "mine" || span.label !== ROLE.claim) {
    say(`Select one of your ${ROLE.claim} spans first, then press a.`, "info");
    return;
  }
  state.link = { claims: [span.key], source: null, cue: null };
  say(`Now click the ${ROLE.source} and the ${ROLE.cue} (another ${ROLE.claim} adds a fragment). Enter saves.`, "info");
  renderLinkBar();
}

function linkKeys() {
  if (!state.link) return [];
  return [...state.link.claims, state.link.source, state.link.cue].filter(Boolean);
}

function addToLink(key) {
  const span = state.spans.get(key);
  if (!span || span.kind !== "mine") {
    say("Only your own spans can be linked: accept a suggestion first.", "info");
    return;
  }
  if (span.label === ROLE.source) state.link.source = key;
  else if (span.label === ROLE.cue) state.link.cue = key;
  else if (span.label === ROLE.claim && !state.link.claims.includes(key)) state.link.claims.push(key);
  renderLinkBar();
  rerenderKeys(linkKeys());
}

function replaceKeyInLink(from, to) {
  if (!state.link) return;
  state.link.claims = state.link.claims.map((k) => (k === from ? to : k));
  if (state.link.source === from) state.link.source = to;
  if (state.link.cue === from) state.link.cue = to;
}

function cancelLink() {
  const keys = linkKeys();
  state.link = null;
  rerenderKeys(keys);
  renderLinkBar();
  say("");
}

async function saveLink() {
  const link = state.link;
  if (!link) return;
  const id = (key) => (key ? state.spans.get(key)?.id ?? null : null);
  if ([...link.claims, link.source, link.cue].some((k) => k && !id(k))) {
    say("Wait until the new spans are saved, then press Enter again.", "warning");
    return;
  }
  const body = { claims: link.claims.map(id), source: id(link.source), cue: id(link.cue) };
  const created = await act("link attribution", () => api.post(`/documents/${config.document_id}/attributions/`, body));
  state.attributions.set(String(created.id), created);
  listsStale = true;
  cancelLink();
  state.undo.push({ describe: "link attribution", undo: () => deleteAttribution(created, { undoable: false }) });
  renderPanels();
  say("Attribution saved.", "success");
}

async function deleteAttribution(a, { undoable = true } = {}) {
  if (!editable()) return;
  const current = state.attributions.get(String(a.id)) || a;
  await act("delete attribution", () => api.delete(`/attributions/${current.id}/`, current.version));
  state.attributions.delete(String(current.id));
  listsStale = true;
  renderPanels();
  if (undoable) {
    state.undo.push({ describe: "delete attribution", undo: async () => {
      const again = await act("restore attribution", async () => {
        try {
          return await api.post(`/attributions/${current.id}/restore/`, {});
        } catch (error) {
          if (alreadyBack(error)) return null;
          throw error;
        }
      });
      if (!again) return reload({ keepMessage: true });
      state.attributions.set(String(again.id), again);
      listsStale = true;
      renderPanels();
    } });
    say("Deleted the attribution.", "info", [["Undo (Ctrl+Z)", undo]]);
  }
}

async function setAttribute(a, name, value) {
  if (!editable()) return;
  const current = state.attributions.get(String(a.id)) || a;
  const attributes = { ...current.attributes, [name]: value };
  const saved = await act(`set ${name}`, () => api.patch(`/attributions/${current.id}/`, { attributes }, current.version));
  state.attributions.set(String(saved.id), saved);
  listsStale = true;
  renderPanels();
}

function showAttribution(a) {
  const keys = [...a.claims, a.source, a.cue].filter(Boolean).map(String);
  const previous = [...state.flash];
  state.flash = new Set(keys);
  rerenderKeys([...previous, ...keys]);
  const first = state.spans.get(String(a.claims[0]));
  if (first) scrollToSpan(first);
}

function scrollToSpan(span) {
  const [blockIndex] = blockRange(state.blocks, span.s16, span.e16);
  const segEl = [...state.blockEls[blockIndex].children].find((s) => (s.dataset.keys || "").split(",").includes(span.key));
  (segEl || state.blockEls[blockIndex]).scrollIntoView({ block: "center", behavior: "smooth" });
}

function rerenderKeys(keys) {
  const ranges = keys.map((key) => state.spans.get(key)).filter(Boolean)
    .map((span) => blockRange(state.blocks, span.s16, span.e16));
  renderBlocks(ranges);
}

function select(key) {
  const previous = state.selected;
  state.selected = key;
  rerenderKeys([previous, key].filter(Boolean));
}

async function undo() {
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

async function submit() {
  if (!editable()) return;
  if (state.pending.length) {
    say("Some changes are not saved yet: retry them before submitting.", "warning");
    return;
  }
  await act("submit", () => api.post(`/documents/${config.document_id}/status/`, { action: "submit" }));
  await reload({ keepMessage: true });
  say("Submitted for review. The document is locked until a reviewer returns it.", "success");
}

// --- Events -------------------------------------------------------------------------------

el.text.addEventListener("click", (event) => {
  if (!window.getSelection().isCollapsed) return; // the user is selecting text
  const segEl = event.target.closest(".ann-seg");
  const keys = segEl && segEl.dataset.keys ? segEl.dataset.keys.split(",") : [];
  if (!keys.length) {
    if (!state.link) select(null);
    return;
  }
  if (state.link) {
    // Prefer the span of a role the link still needs.
    const spans = keys.map((k) => state.spans.get(k)).filter((s) => s.kind === "mine");
    const wanted = spans.find((s) => (s.label === ROLE.source && !state.link.source) || (s.label === ROLE.cue && !state.link.cue))
      || spans.find((s) => !linkKeys().includes(s.key));
    if (wanted) addToLink(wanted.key);
    return;
  }
  // Overlapping spans: the first click takes the shortest, each next click the next one.
  const ordered = keys.map((k) => state.spans.get(k)).sort((a, b) => (a.e16 - a.s16) - (b.e16 - b.s16));
  const at = ordered.findIndex((s) => s.key === state.selected);
  select(ordered[(at + 1) % ordered.length].key);
});

function typing(target) {
  return target.closest("input, select, textarea, [contenteditable]");
}

document.addEventListener("keydown", (event) => {
  if (event.key === "?" || (event.key === "Escape" && !el.help.hidden)) {
    if (!typing(event.target)) {
      el.help.hidden = !el.help.hidden;
      if (!el.help.hidden) el.help.querySelector("button").focus();
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
    case "Escape":
      if (state.link) cancelLink();
      else if (!closeHistory()) select(null);
      break;
    case "h":
      if (span && span.id) { event.preventDefault(); openHistory(span); }
      break;
    case "w":
      el.snap.checked = !el.snap.checked;
      say(`Snap to words ${el.snap.checked ? "on" : "off"}.`, "info");
      break;
    default:
  }
});

el.submit.addEventListener("click", submit);
el.help.querySelector("button").addEventListener("click", () => { el.help.hidden = true; });
// act() has already told the user about every ApiError and NetworkError; the
// key and click handlers start actions without awaiting them, so such an error
// would otherwise also surface as an "Uncaught (in promise)" page error.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof ApiError || event.reason instanceof NetworkError) event.preventDefault();
});
window.addEventListener("beforeunload", (event) => {
  if (state.pending.length) event.preventDefault(); // unsaved work: let the browser ask
});

// --- Start --------------------------------------------------------------------------------

el.guidelines.append(...markdownToNodes(config.guidelines || "No guidelines yet."));
renderLabelButtons();
try {
  await load();
  renderAll();
  document.body.dataset.ready = "true"; // for tests and the benchmark: interactive now
} catch (error) {
  say(`Could not load the document: ${error.message}`, "error", [["Try again", () => location.reload()]]);
}
