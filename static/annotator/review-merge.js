// Merging annotators' layers for review, without the DOM.
//
// Every annotator's spans are grouped by (label, start, end) and their
// attributions by (claim fragments, source, cue, attributes), each side by its
// spans' positions, not ids: two annotators' identical labels are one item.
// An item is agreed when every annotator under review has it; otherwise it is a
// conflict, and the items it clashes with are listed (same label with other
// boundaries, or the same boundaries with another label; attributions whose
// claims overlap). A reviewer's corrections (origin "review") are items too,
// but they are nobody's vote. Offsets here are the server's code points.

export const DECIDED = new Set(["approved", "rejected"]);

export function spanKey(span) {
  return `s:${span.label}:${span.start}:${span.end}`;
}

function overlaps(a, b) {
  return a.start < b.end && b.start < a.end;
}

function stateOf(rows) {
  const states = new Set(rows.map((r) => r.review_state));
  return states.size === 1 ? [...states][0] : "mixed";
}

// spans, attributions: the API's rows of every layer (?layer=all).
// participants: ids of the annotators whose work is under review.
export function mergeLayers({ spans, attributions, participants }) {
  const voters = new Set(participants.map(Number));
  const counted = (row) => row.origin === "review" || voters.has(row.annotator);
  const spanById = new Map();
  const items = new Map();
  for (const span of spans) {
    if (!counted(span)) continue;
    spanById.set(span.id, span);
    const key = spanKey(span);
    if (!items.has(key)) {
      items.set(key, { key, kind: "span", label: span.label, start: span.start, end: span.end,
        quote: span.quote, rows: [] });
    }
    items.get(key).rows.push(span);
  }
  const spanItems = [...items.values()];
  const attributionItems = new Map();
  for (const a of attributions) {
    if (!counted(a)) continue;
    const part = (id) => (id === null || id === undefined ? null : spanById.get(id));
    const claims = a.claims.map(part);
    if (claims.some((c) => !c)) continue; // a claim outside the merged layers: not reviewable here
    const source = part(a.source);
    const cue = part(a.cue);
    const attributes = JSON.stringify(Object.entries(a.attributes || {}).sort());
    const claimKeys = claims.map(spanKey);
    const key = `a:${claimKeys.join("+")}|${source ? spanKey(source) : "-"}|${cue ? spanKey(cue) : "-"}|${attributes}`;
    if (!attributionItems.has(key)) {
      attributionItems.set(key, { key, kind: "attribution", claims: claimKeys,
        source: source ? spanKey(source) : null, cue: cue ? spanKey(cue) : null,
        attributes: a.attributes || {}, start: claims[0].start, end: claims[0].end,
        ranges: claims.map((c) => ({ start: c.start, end: c.end })), rows: [] });
    }
    attributionItems.get(key).rows.push(a);
  }
  // Second-hand claims: an item's parent is the item holding the parent of one of its rows.
  const itemOfRow = new Map();
  for (const item of attributionItems.values()) for (const row of item.rows) itemOfRow.set(row.id, item.key);
  for (const item of attributionItems.values()) {
    const parentRow = item.rows.find((r) => r.parent !== null && r.parent !== undefined && itemOfRow.has(r.parent));
    item.parent = parentRow && itemOfRow.get(parentRow.parent) !== item.key ? itemOfRow.get(parentRow.parent) : null;
  }
  const all = [...spanItems, ...attributionItems.values()];
  for (const item of all) {
    const votes = new Set(item.rows.filter((r) => r.origin !== "review").map((r) => r.annotator));
    item.annotators = [...votes].sort((x, y) => x - y);
    item.correction = item.rows.some((r) => r.origin === "review");
    item.agreed = voters.size > 0 && [...voters].every((id) => votes.has(id));
    item.state = stateOf(item.rows);
    item.conflicts = [];
  }
  // Conflicts: only between items that are not agreed by everyone.
  const open = spanItems.filter((i) => !i.agreed).sort((a, b) => a.start - b.start);
  for (const item of open) {
    for (const other of spanItems) {
      if (other === item || !overlaps(item, other)) continue;
      const sameRange = other.start === item.start && other.end === item.end;
      if (other.label === item.label || sameRange) item.conflicts.push(other.key);
    }
  }
  const openAttributions = [...attributionItems.values()].filter((i) => !i.agreed);
  for (const item of openAttributions) {
    for (const other of attributionItems.values()) {
      if (other === item) continue;
      if (item.ranges.some((r) => other.ranges.some((o) => overlaps(r, o)))) item.conflicts.push(other.key);
    }
  }
  all.sort((a, b) => a.start - b.start || (a.kind === b.kind ? b.end - a.end : a.kind === "span" ? -1 : 1)
    || a.key.localeCompare(b.key));
  return { items: all, byKey: new Map(all.map((i) => [i.key, i])) };
}

const anyone = () => true;

// May the reviewer decide at least one row of this item? (mayDecide: a row → boolean,
// the project's rule on one's own labels, decided by the server's access.may_review.)
export function decidable(item, mayDecide = anyone) {
  return item.rows.some(mayDecide);
}

// What one decision on an item sends: its rows, and for an approved attribution
// the pending rows of its spans' items too, so that identical copies agree. A span a
// reviewer rejected is not sent: the server then refuses the attribution (409, naming
// the span), and the reviewer approves that span first, on purpose. Rows the reviewer
// may not decide (their own labels) are left out.
export function decisionTargets(item, byKey, decision, mayDecide = anyone) {
  const spans = new Set();
  const attributions = new Set();
  const add = (set, rows) => rows.filter(mayDecide).forEach((r) => set.add(r.id));
  if (item.kind === "span") add(spans, item.rows);
  else {
    add(attributions, item.rows);
    if (decision === "approve") {
      for (const key of [...item.claims, item.source, item.cue]) {
        const part = key && byKey.get(key);
        if (part) add(spans, part.rows.filter((r) => r.review_state === "pending"));
      }
    }
  }
  return { spans: [...spans], attributions: [...attributions] };
}

// "Approve all agreed": every agreed item's rows still pending, as one request's ids,
// and the items they come from. Decided items are left out: a bulk approval never
// overrides a decision (the server, asked with undecided_only, leaves them too).
export function agreedTargets(items) {
  const spans = [];
  const attributions = [];
  const sent = [];
  for (const item of items) {
    if (!item.agreed || DECIDED.has(item.state)) continue;
    const pending = item.rows.filter((row) => row.review_state === "pending");
    if (!pending.length) continue;
    for (const row of pending) (item.kind === "span" ? spans : attributions).push(row.id);
    sent.push({ key: item.key, kind: item.kind, ids: pending.map((row) => row.id) });
  }
  return { spans, attributions, items: sent };
}

const LEFT_WORDS = { already_decided: "already decided", own_label: "your own", rejected_part: "a span of it rejected" };

// What a bulk answer did to the items sent (agreedTargets().items), counted in items, as
// the reviewer sees them: approved when a row of it was approved (the reviewer's own copy
// may be left: ownCopies counts those), else left, for the first reason the server gave.
export function bulkOutcome(sentItems, answer) {
  const tag = (r) => (r.span ? `s${r.span}` : `a${r.attribution}`);
  const decided = new Set(answer.decisions.map(tag));
  const left = new Map(answer.left.map((l) => [tag(l), l.reason]));
  const outcome = { approved: 0, ownCopies: 0, left: { already_decided: 0, own_label: 0, rejected_part: 0 } };
  for (const item of sentItems) {
    const ids = item.ids.map((id) => `${item.kind === "span" ? "s" : "a"}${id}`);
    const reasons = ids.map((id) => left.get(id)).filter(Boolean);
    if (ids.some((id) => decided.has(id))) {
      outcome.approved += 1;
      if (reasons.includes("own_label")) outcome.ownCopies += 1;
    } else if (reasons.length) outcome.left[reasons[0]] += 1;
  }
  return outcome;
}

// "Approved 5 agreed labels; left 2: 1 already decided, 1 your own."
export function bulkOutcomeText(outcome) {
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const reasons = Object.entries(outcome.left).filter(([, n]) => n > 0);
  const total = reasons.reduce((sum, [, n]) => sum + n, 0);
  const copies = outcome.ownCopies ? ` (your own copy of ${outcome.ownCopies} is left to another reviewer)` : "";
  const approved = `Approved ${plural(outcome.approved, "agreed label")}${copies}`;
  if (!total) return `${approved}.`;
  return `${approved}; left ${total}: ${reasons.map(([reason, n]) => `${n} ${LEFT_WORDS[reason]}`).join(", ")}.`;
}

// Items with a row of one of these annotators still pending: what stands between
// their work and its approval.
export function undecidedOf(items, annotatorIds) {
  const whose = new Set(annotatorIds.map(Number));
  return items.filter((item) => item.rows.some((r) => whose.has(r.annotator) && r.origin !== "review"
    && r.review_state === "pending")).length;
}

// The index of the next item after `from` that still needs a decision (-1: none).
export function nextUndecided(items, from) {
  for (let step = 1; step <= items.length; step++) {
    const i = (from + step) % items.length;
    if (!DECIDED.has(items[i].state)) return i;
  }
  return -1;
}

export function summary(items) {
  const count = (test) => items.filter(test).length;
  return {
    total: items.length,
    decided: count((i) => DECIDED.has(i.state)),
    agreed: count((i) => i.agreed),
    openConflicts: count((i) => !i.agreed && !DECIDED.has(i.state)),
  };
}
