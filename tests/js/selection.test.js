import assert from "node:assert/strict";
import { test } from "node:test";

import { adjustSelection } from "../../static/annotator/selection.js";

const pick = (text, r) => (r ? text.slice(r.start, r.end) : null);

test("surrounding whitespace is dropped", () => {
  const text = "He said  the deal is dead . ";
  assert.equal(pick(text, adjustSelection(text, 7, 27, { snap: false })), "the deal is dead .");
});

test("a selection inside words snaps out to whole words", () => {
  const text = "The minister said nothing.";
  assert.equal(pick(text, adjustSelection(text, 6, 13)), "minister");
  assert.equal(pick(text, adjustSelection(text, 1, 16)), "The minister said");
});

test("snapping can be turned off", () => {
  const text = "The minister said nothing.";
  assert.equal(pick(text, adjustSelection(text, 6, 13, { snap: false })), "nister");
});

test("punctuation after a word is not pulled in, curly apostrophes are part of words", () => {
  const text = "“Iran’s choices are various”, said the source.";
  assert.equal(pick(text, adjustSelection(text, 2, 5)), "Iran’s");
  assert.equal(pick(text, adjustSelection(text, 22, 26)), "various");
});

test("emoji, combining marks and right-to-left text stay whole", () => {
  const text = "Café\u0301 👍🏽 שלום עולם";
  assert.equal(pick(text, adjustSelection(text, 1, 3)), "Café\u0301");
  const emoji = text.indexOf("👍");
  assert.equal(pick(text, adjustSelection(text, emoji + 1, emoji + 3, { snap: false })), "👍🏽");
  const rtl = text.indexOf("שלום");
  assert.equal(pick(text, adjustSelection(text, rtl + 1, rtl + 2)), "שלום");
});

test("a selection of only whitespace gives nothing", () => {
  assert.equal(adjustSelection("a   b", 1, 4), null);
});
