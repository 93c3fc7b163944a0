import assert from "node:assert/strict";
import { test } from "node:test";

import { patternOf, rolePatterns, segmentStyle } from "../../static/annotator/spans-style.js";

test("each role has its pattern, any other label (even a prototype name) is solid", () => {
  const patterns = rolePatterns({ claim: "CLAIM", source: "SOURCE", cue: "CUE" });
  assert.equal(patternOf(patterns, "CLAIM"), "solid");
  assert.equal(patternOf(patterns, "SOURCE"), "double");
  assert.equal(patternOf(patterns, "CUE"), "dotted");
  assert.equal(patternOf(patterns, "EVENT"), "solid");
  assert.equal(patternOf(patterns, "constructor"), "solid");
  assert.equal(patternOf(patterns, "__proto__"), "solid");
});

test("a segment gets one underline per span, each in its own lane", () => {
  const style = segmentStyle([0, 2], [{ color: "#123456", pattern: "solid" }, { color: "#abcdef", pattern: "double" }], "#1234561f");
  assert.equal(style.backgroundImage,
    "linear-gradient(#123456, #123456), linear-gradient(#abcdef 34%, transparent 34% 66%, #abcdef 66%)");
  assert.equal(style.backgroundSize, "100% 2px, 100% 4px");
  assert.equal(style.backgroundPosition, "0 calc(100% - 0px), 0 calc(100% - 10px)");
  assert.equal(style.backgroundRepeat, "repeat-x");
  assert.equal(style.paddingBottom, "15px");
  assert.equal(style.backgroundColor, "#1234561f");
});

test("dotted and dashed underlines repeat, and no tint leaves the background alone", () => {
  const style = segmentStyle([1], [{ color: "red", pattern: "dotted" }], null);
  assert.equal(style.backgroundImage, "linear-gradient(to right, red 50%, transparent 50%)");
  assert.equal(style.backgroundSize, "4px 2px");
  assert.equal(style.paddingBottom, "10px");
  assert.equal("backgroundColor" in style, false);
  const dashed = segmentStyle([0], [{ color: "red", pattern: "dashed" }], null);
  assert.equal(dashed.backgroundImage, "linear-gradient(to right, red 55%, transparent 55%)");
  assert.equal(dashed.backgroundSize, "9px 2px");
});
