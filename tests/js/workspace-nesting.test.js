import assert from "node:assert/strict";
import { test } from "node:test";

import { ancestors, chain, enclosing, holds, nextParent, targetAttribution } from "../../static/annotator/workspace-nesting.js";
import { createState, ingest } from "../../static/annotator/workspace-state.js";

const ROLES = { claim: "CLAIM", source: "SOURCE", cue: "CUE" };
const ME = 7;
// X said that Y claimed Z, two deep; the emoji makes code points and UTF-16 units differ.
const TEXT = "😀 The mayor said the minister claimed the general warned the bridge is unsafe. Critics disagree.";

function at(piece) {
  const cps = [...TEXT];
  const start = [...TEXT.slice(0, TEXT.indexOf(piece))].length;
  return [start, start + [...piece].length, cps];
}

function span(id, label, piece) {
  const [start, end, cps] = at(piece);
  return { id, label, start, end, quote: cps.slice(start, end).join(""), version: 1, review_state: "pending",
    origin: "human", confidence: null, annotator: ME };
}

const SPANS = [
  span(1, "SOURCE", "The mayor"), span(2, "CUE", "said"),
  span(3, "CLAIM", "the minister claimed the general warned the bridge is unsafe"),
  span(4, "SOURCE", "the minister"), span(5, "CUE", "claimed"),
  span(6, "CLAIM", "the general warned the bridge is unsafe"),
  span(7, "SOURCE", "the general"), span(8, "CUE", "warned"), span(9, "CLAIM", "the bridge is unsafe"),
  span(10, "CLAIM", "Critics disagree."),
];

function attribution(id, claims, source, cue, parent = null) {
  return { id, claims, source, cue, parent, attributes: {}, version: 1, review_state: "pending" };
}

function loaded(attributions) {
  const state = createState({ canAnnotate: true, userId: ME, roles: ROLES });
  ingest(state, { text: TEXT, spans: SPANS, attributions, my_status: "in_progress",
    suggestions: { spans: [], attributions: [] } }, []);
  return state;
}

const MAYOR = attribution(11, [3], 1, 2);
const MINISTER = attribution(12, [6], 4, 5);
const GENERAL = attribution(13, [9], 7, 8);
const CRITICS = attribution(14, [10], null, null);

test("a parent holds a child when every span of it lies inside one of its claim fragments", () => {
  const state = loaded([MAYOR, MINISTER, GENERAL, CRITICS]);
  assert.equal(holds(state, MAYOR, MINISTER), true);
  assert.equal(holds(state, MAYOR, GENERAL), true);
  assert.equal(holds(state, MINISTER, MAYOR), false); // the mayor's source is outside
  assert.equal(holds(state, MAYOR, CRITICS), false);
});

test("enclosing lists the candidates innermost first and nextParent cycles outwards to none", () => {
  const general = { ...GENERAL };
  const state = loaded([MAYOR, MINISTER, general, CRITICS]);
  assert.deepEqual(enclosing(state, general).map((a) => a.id), [12, 11]);
  assert.equal(nextParent(state, general).id, 12);
  general.parent = 12;
  assert.equal(nextParent(state, general).id, 11);
  general.parent = 11;
  assert.equal(nextParent(state, general), null);
  assert.equal(nextParent(state, CRITICS), null);
});

test("an attribution's own descendants are never its candidates: no loop", () => {
  // Two attributions of one claim each hold the other; the one below is left out.
  const twin = attribution(15, [9], null, null, 13);
  const general = { ...GENERAL, source: null, cue: null };
  const state = loaded([MAYOR, MINISTER, general, twin]);
  assert.deepEqual(enclosing(state, general).map((a) => a.id), [12, 11]);
  assert.deepEqual(enclosing(state, twin).map((a) => a.id), [13, 12, 11]);
});

test("chain gives the ancestors outermost first, ending with the attribution", () => {
  const minister = { ...MINISTER, parent: 11 };
  const general = { ...GENERAL, parent: 12 };
  const state = loaded([MAYOR, minister, general]);
  assert.deepEqual(chain(state.attributions, general).map((a) => a.id), [11, 12, 13]);
  assert.deepEqual(ancestors(state.attributions, general), [12, 11]);
  assert.deepEqual(chain(state.attributions, MAYOR).map((a) => a.id), [11]);
});

test("chain stops at a loop or at a parent that is not loaded", () => {
  const a = attribution(21, [9], null, null, 22);
  const b = attribution(22, [9], null, null, 21);
  const state = loaded([a, b]);
  assert.deepEqual(chain(state.attributions, a).map((x) => x.id), [22, 21]);
  const orphan = attribution(23, [9], null, null, 99);
  assert.deepEqual(chain(loaded([orphan]).attributions, orphan).map((x) => x.id), [23]);
});

test("the key is about the attribution clicked in the list, else the selected span's", () => {
  const state = loaded([MAYOR, MINISTER, GENERAL]);
  assert.equal(targetAttribution(state), null);
  state.selected = "4"; // the minister's source span
  assert.equal(targetAttribution(state).id, 12);
  state.selected = "6"; // the minister's claim, which is also inside the mayor's claim
  assert.equal(targetAttribution(state).id, 12);
  state.focus = 13;
  assert.equal(targetAttribution(state).id, 13);
});
