// How a stretch of text under spans is drawn, in the workspace and the review
// view alike: one underline per span in its own lane (5px apart), patterned by
// the label's role (CLAIM solid, SOURCE double, CUE dotted, a suggestion
// dashed), a tint for a claim, and the marks shown at a span's start.

import { h, own } from "./dom.js";

export const LANE_PX = 5;

const IMAGES = {
  solid: (color) => [`linear-gradient(${color}, ${color})`, "100% 2px"],
  double: (color) => [`linear-gradient(${color} 34%, transparent 34% 66%, ${color} 66%)`, "100% 4px"],
  dotted: (color) => [`linear-gradient(to right, ${color} 50%, transparent 50%)`, "4px 2px"],
  dashed: (color) => [`linear-gradient(to right, ${color} 55%, transparent 55%)`, "9px 2px"],
};

// roles: the project's {claim, source, cue} label names.
export function rolePatterns(roles) {
  return { [roles.claim]: "solid", [roles.source]: "double", [roles.cue]: "dotted" };
}

export function patternOf(patterns, labelName) {
  return own(patterns, labelName) || "solid";
}

// The style of a segment: lines[i] = {color, pattern} is drawn in lane lanes[i];
// tint is a CSS colour for the background, or null. Pure: node --test checks it.
export function segmentStyle(lanes, lines, tint) {
  const images = [];
  const sizes = [];
  const positions = [];
  lines.forEach(({ color, pattern }, i) => {
    const [image, size] = (own(IMAGES, pattern) || IMAGES.solid)(color);
    images.push(image);
    sizes.push(size);
    positions.push(`0 calc(100% - ${lanes[i] * LANE_PX}px)`);
  });
  const style = {
    backgroundImage: images.join(", "),
    backgroundSize: sizes.join(", "),
    backgroundPosition: positions.join(", "),
    backgroundRepeat: "repeat-x",
    paddingBottom: `${(Math.max(...lanes) + 1) * LANE_PX}px`,
  };
  if (tint) style.backgroundColor = tint;
  return style;
}

// The element of one segment of the text ({start, end} in UTF-16 units); crs are the
// block's lone carriage returns, each drawn visibly as its own segment.
export function segmentElement(text, seg, crs) {
  const segEl = h("span", { className: "ann-seg", dataset: { u16: seg.start } }, text.slice(seg.start, seg.end));
  if (crs.length && text[seg.start] === "\r" && seg.end === seg.start + 1) segEl.classList.add("ann-cr");
  return segEl;
}

export function styleSegment(segEl, seg, lines, tint, marks) {
  Object.assign(segEl.style, segmentStyle(seg.lanes, lines, tint));
  if (marks.length) segEl.dataset.marks = marks.join(" ");
}
