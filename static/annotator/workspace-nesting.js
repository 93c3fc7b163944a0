// Second-hand claims (X said that Y claimed Z), without the DOM (node --test loads it):
// which attribution a key press is about, which of my attributions may be its parent
// (one whose claim holds every span of it, as annotator/nesting.py rules), and the chain
// of parents the panel shows (X → Y → claim).
//
// Attributions are the API's ({id, claims, source, cue, parent}); their spans are looked
// up in state.spans by id, offsets in code points, half-open.

function offsetsOf(state, ids) {
  return ids.filter((id) => id !== null && id !== undefined)
    .map((id) => state.spans.get(String(id))).filter(Boolean).map((s) => [s.start, s.end]);
}

// Whether every span of `child` lies inside one fragment of `parent`'s claim.
export function holds(state, parent, child) {
  const fragments = offsetsOf(state, parent.claims);
  const spans = offsetsOf(state, [...child.claims, child.source, child.cue]);
  if (!fragments.length || !spans.length) return false;
  return spans.every(([s, e]) => fragments.some(([ps, pe]) => ps <= s && e <= pe));
}

// The ids of an attribution's ancestors, nearest first (stops at a loop or a gap).
export function ancestors(attributions, a) {
  const found = [];
  const seen = new Set([String(a.id)]);
  let current = a.parent;
  while (current !== null && current !== undefined && !seen.has(String(current))) {
    found.push(current);
    seen.add(String(current));
    current = attributions.get(String(current))?.parent;
  }
  return found;
}

// The chain the panel shows, outermost first and ending with `a`: [X's, Y's, a] attributions
// (an ancestor not among `attributions`, e.g. deleted meanwhile, ends it).
export function chain(attributions, a) {
  const above = [];
  for (const id of ancestors(attributions, a)) {
    const parent = attributions.get(String(id));
    if (!parent) break;
    above.unshift(parent);
  }
  return [...above, a];
}

function claimLength(state, a) {
  return offsetsOf(state, a.claims).reduce((sum, [s, e]) => sum + (e - s), 0);
}

// My attributions that may be `a`'s parent: each holds it and is not `a` or below it (no
// loop), innermost (shortest claim) first, then by id.
export function enclosing(state, a) {
  const mine = state.attributions;
  return [...mine.values()].filter((p) => String(p.id) !== String(a.id)
    && !ancestors(mine, p).map(String).includes(String(a.id)) && holds(state, p, a))
    .sort((x, y) => claimLength(state, x) - claimLength(state, y) || x.id - y.id);
}

// What pressing the key again gives: the next candidate out from the current parent, and
// after the outermost none (null), so that the key cycles through them.
export function nextParent(state, a) {
  const candidates = enclosing(state, a);
  if (!candidates.length) return null;
  const at = candidates.findIndex((p) => String(p.id) === String(a.parent));
  if (a.parent === null || a.parent === undefined || at === -1) return candidates[0];
  return at + 1 < candidates.length ? candidates[at + 1] : null;
}

// The attribution a key press is about: the one last clicked in the list (state.focus),
// else one of mine that uses the selected span, as its claim first, then as source or cue.
export function targetAttribution(state) {
  if (state.focus && state.attributions.has(String(state.focus))) {
    return state.attributions.get(String(state.focus));
  }
  const span = state.spans.get(state.selected);
  if (!span || !span.id) return null;
  const using = [...state.attributions.values()];
  return using.find((a) => a.claims.includes(span.id))
    || using.find((a) => a.source === span.id || a.cue === span.id) || null;
}
