// The workspace's document model, without the DOM (node --test loads it): the
// text and its blocks, the spans and attributions shown, the selection, the
// attribution being linked, the undo stack and the actions kept for Retry.
//
// A change to the spans answers with the block ranges ([first, last]) it
// touched; the caller draws those blocks again (workspace-render.js), and
// nothing else: an edit costs the same in a long document as in a short one.

import { blockRange, blocks as makeBlocks } from "./layout.js";
import { buildOffsetIndex, toCodePoint, toUtf16 } from "./offsets.js";

// roles: the project's {claim, source, cue} label names.
export function createState({ canAnnotate, userId, roles }) {
  return {
    text: "",
    index: null,
    blocks: [],
    byBlock: [],            // block index → Set of span keys
    spans: new Map(),       // key → span; key is the id, or "tmp-N" until saved
    attributions: new Map(),
    suggestedAttributions: new Map(),
    bySuggestion: new Map(),  // suggestion span id → key of my span made from it
    reviews: [],
    status: "not_started",
    locked: false,          // submitted or approved: no edits until a reviewer returns it
    selected: null,         // span key
    focus: null,            // id of the attribution last clicked in the list (p nests it)
    flash: new Set(),       // span keys highlighted from the panel
    link: null,             // {claims: [key], source: key|null, cue: key|null} while linking
    undo: [],
    pending: [],            // actions that could not reach the server, kept for Retry
    readOnly: !canAnnotate,
    layer: canAnnotate ? "mine" : "all",
    userId,
    roles,
    tmpCounter: 0,
    // The attribution, suggestion and feedback lists are drawn again only when
    // what they show changed: with hundreds of attributions, drawing them on every
    // keystroke cost more than the edit itself.
    listsStale: true,
  };
}

export function spanFromApi(state, raw, kind) {
  return {
    key: String(raw.id), id: raw.id, kind, label: raw.label, start: raw.start, end: raw.end,
    s16: toUtf16(state.index, raw.start), e16: toUtf16(state.index, raw.end),
    quote: raw.quote, version: raw.version, review: raw.review_state, origin: raw.origin,
    confidence: raw.confidence, entity: raw.entity ?? null, unsaved: false,
    suggestedEntity: raw.suggested_entity ?? null, // a suggestion's proposed source entity
  };
}

// A span of mine not saved yet, between UTF-16 positions of the text.
export function draftSpan(state, labelName, s16, e16) {
  return { key: `tmp-${++state.tmpCounter}`, id: null, kind: "mine", label: labelName,
    start: toCodePoint(state.index, s16), end: toCodePoint(state.index, e16),
    s16, e16, quote: state.text.slice(s16, e16), version: 1, review: "pending", unsaved: true };
}

function indexSpan(state, span) {
  const [first, last] = blockRange(state.blocks, span.s16, span.e16);
  for (let i = first; i <= last; i++) state.byBlock[i].add(span.key);
  return [first, last];
}

export function unindexSpan(state, span) {
  const [first, last] = blockRange(state.blocks, span.s16, span.e16);
  for (let i = first; i <= last; i++) state.byBlock[i].delete(span.key);
  return [first, last];
}

// Adds or replaces a span; answers the block ranges to draw again.
export function putSpan(state, span) {
  const old = state.spans.get(span.key);
  const touched = old ? unindexSpan(state, old) : null;
  state.spans.set(span.key, span);
  const range = indexSpan(state, span);
  return touched ? [touched, range] : [range];
}

// Removes a span; answers the block ranges to draw again, null if there was none.
export function dropSpan(state, key) {
  const span = state.spans.get(key);
  if (!span) return null;
  state.spans.delete(key);
  const range = unindexSpan(state, span);
  if (state.selected === key) state.selected = null;
  return [range];
}

// The document as the API gives it (GET /documents/<id>/) and its reviews.
export function ingest(state, detail, reviews) {
  if (detail.text !== state.text) {
    state.text = detail.text;
    state.index = buildOffsetIndex(detail.text);
    state.blocks = makeBlocks(detail.text);
  }
  state.byBlock = state.blocks.map(() => new Set());
  state.spans = new Map();
  const ownKind = state.readOnly ? "other" : "mine";
  for (const raw of detail.spans) {
    const span = spanFromApi(state, raw, raw.annotator === state.userId ? ownKind : "other");
    state.spans.set(span.key, span);
    indexSpan(state, span);
  }
  if (!state.readOnly) {
    // A suggestion I already have as my own label adds nothing: leave it out.
    const mine = new Set(detail.spans.map((s) => `${s.label}:${s.start}:${s.end}`));
    for (const raw of detail.suggestions.spans) {
      if (mine.has(`${raw.label}:${raw.start}:${raw.end}`)) continue;
      const span = spanFromApi(state, raw, "suggestion");
      state.spans.set(span.key, span);
      indexSpan(state, span);
    }
  }
  state.attributions = new Map(detail.attributions.map((a) => [String(a.id), a]));
  state.bySuggestion = new Map(detail.spans.filter((s) => s.suggestion)
    .map((s) => [String(s.suggestion), String(s.id)]));
  state.listsStale = true;
  state.suggestedAttributions = new Map(
    state.readOnly ? [] : detail.suggestions.attributions.map((a) => [String(a.id), a]));
  state.status = detail.my_status;
  state.reviews = reviews;
  if (state.selected && !state.spans.has(state.selected)) state.selected = null;
  state.locked = !state.readOnly && ["submitted", "approved"].includes(state.status);
}

// The block ranges of the given span keys (unknown keys are left out).
export function rangesOf(state, keys) {
  return keys.map((key) => state.spans.get(key)).filter(Boolean)
    .map((span) => blockRange(state.blocks, span.s16, span.e16));
}

export function spanQuote(state, key, max = 60) {
  // A suggested attribution may point at a suggestion I already accepted: show my copy.
  const span = state.spans.get(String(key)) || state.spans.get(state.bySuggestion.get(String(key)));
  if (!span) return `(span ${key})`;
  const quote = state.text.slice(span.s16, span.e16).replace(/\s+/g, " ");
  return quote.length > max ? `${quote.slice(0, max - 1)}…` : quote;
}

export function suggestionSpanIds(state) {
  return [...state.spans.values()].filter((s) => s.kind === "suggestion").map((s) => s.id);
}

// The attributions that use a span (by its id) as claim, source or cue.
export function attributionsUsing(state, spanId) {
  return [...state.attributions.values()].filter((a) => [a.source, a.cue, ...a.claims].includes(spanId));
}

// Clicking spans: overlapping ones are taken the shortest first, each next click the next one.
export function nextSelected(state, keys) {
  const ordered = keys.map((k) => state.spans.get(k)).sort((a, b) => (a.e16 - a.s16) - (b.e16 - b.s16));
  const at = ordered.findIndex((s) => s.key === state.selected);
  return ordered[(at + 1) % ordered.length].key;
}

// --- Linking an attribution ---------------------------------------------------------------

export function linkStart(state, key) {
  state.link = { claims: [key], source: null, cue: null };
}

export function linkKeys(state) {
  if (!state.link) return [];
  return [...state.link.claims, state.link.source, state.link.cue].filter(Boolean);
}

// Adds one of my spans to the link by its label's role; false for a span not mine.
export function linkAdd(state, key) {
  const span = state.spans.get(key);
  if (!span || span.kind !== "mine") return false;
  const roles = state.roles;
  if (span.label === roles.source) state.link.source = key;
  else if (span.label === roles.cue) state.link.cue = key;
  else if (span.label === roles.claim && !state.link.claims.includes(key)) state.link.claims.push(key);
  return true;
}

// Of the spans under a click, the one the link takes: first a role it still needs.
export function linkCandidate(state, keys) {
  const roles = state.roles;
  const spans = keys.map((k) => state.spans.get(k)).filter((s) => s.kind === "mine");
  return spans.find((s) => (s.label === roles.source && !state.link.source) || (s.label === roles.cue && !state.link.cue))
    || spans.find((s) => !linkKeys(state).includes(s.key)) || null;
}

export function replaceKeyInLink(state, from, to) {
  if (!state.link) return;
  state.link.claims = state.link.claims.map((k) => (k === from ? to : k));
  if (state.link.source === from) state.link.source = to;
  if (state.link.cue === from) state.link.cue = to;
}

// The request body for the link, or null while one of its spans is not saved yet.
export function linkBody(state) {
  const link = state.link;
  const id = (key) => (key ? state.spans.get(key)?.id ?? null : null);
  if ([...link.claims, link.source, link.cue].some((k) => k && !id(k))) return null;
  return { claims: link.claims.map(id), source: id(link.source), cue: id(link.cue) };
}

// The span a link into the workspace names (the explorer's "#span=ID&at=START-END", code
// points): that span if this layer shows it, else a shown span at those offsets, else the
// place itself ({key: null, ...}: the page scrolls there). null when the address names none.
export function spanFromAddress(state, hash) {
  const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const key = params.get("span");
  if (key && state.spans.has(key)) return state.spans.get(key);
  const match = /^(\d+)-(\d+)$/.exec(params.get("at") || "");
  if (!match) return null;
  const [start, end] = [Number(match[1]), Number(match[2])];
  if (end <= start || end > state.index.lengthCp) return null;
  const same = [...state.spans.values()].find((s) => s.start === start && s.end === end);
  return same || { key: null, start, end, s16: toUtf16(state.index, start), e16: toUtf16(state.index, end) };
}
