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

// What one decision on an item sends: its rows, and for an approved attribution
// the rows of its spans' items too, so that identical copies agree.
export function decisionTargets(item, byKey, decision) {
  const spans = new Set();
  const attributions = new Set();
  if (item.kind === "span") item.rows.forEach((r) => spans.add(r.id));
  else {
    item.rows.forEach((r) => attributions.add(r.id));
    if (decision === "approve") {
      for (const key of [...item.claims, item.source, item.cue]) {
        const part = key && byKey.get(key);
        if (part && part.state !== "approved") part.rows.forEach((r) => spans.add(r.id));
      }
    }
  }
  return { spans: [...spans], attributions: [...attributions] };
}

// Every agreed item still pending (or mixed), as one request's ids.
export function agreedTargets(items) {
  const spans = [];
  const attributions = [];
  for (const item of items) {
    if (!item.agreed || item.state === "approved") continue;
    for (const row of item.rows) (item.kind === "span" ? spans : attributions).push(row.id);
  }
  return { spans, attributions };
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
