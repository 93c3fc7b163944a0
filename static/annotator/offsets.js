// The one place where the browser's UTF-16 positions and the server's code
// points meet (DESIGN.md, "Offsets: one rule, everywhere"). A character
// outside the Basic Multilingual Plane (an emoji, say) is 1 code point and
// 2 UTF-16 units. Everything else in the front end works in UTF-16 units and
// converts here, at the API boundary.

// An index of the surrogate pairs of one text, built once per document, so
// that each conversion is a binary search instead of a walk over the text.
export function buildOffsetIndex(text) {
  const pairs = []; // UTF-16 position of each pair's first unit
  for (let i = 0; i < text.length - 1; i++) {
    const high = text.charCodeAt(i);
    if (high >= 0xd800 && high <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        pairs.push(i);
        i++;
      }
    }
  }
  return { pairs, length16: text.length, lengthCp: text.length - pairs.length };
}

// How many entries of the sorted array are < value.
function countBelow(sorted, value, key = (x) => x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid], mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// UTF-16 position → code point. A position inside a pair counts as the pair's start.
export function toCodePoint(index, u16) {
  if (u16 < 0 || u16 > index.length16) throw new RangeError(`UTF-16 offset ${u16} out of range`);
  // Each pair that starts before u16 is one code point fewer. (A position
  // between the two halves of a pair gives the pair's own code point.)
  return u16 - countBelow(index.pairs, u16);
}

// Code point → UTF-16 position.
export function toUtf16(index, cp) {
  if (cp < 0 || cp > index.lengthCp) throw new RangeError(`code point offset ${cp} out of range`);
  // The i-th pair starts at code point pairs[i] - i.
  return cp + countBelow(index.pairs, cp, (pos, i) => pos - i);
}

// One-off conversions, for callers without an index (and for the tests).
export function utf16ToCodePoint(text, u16) {
  return toCodePoint(buildOffsetIndex(text), u16);
}

export function codePointToUtf16(text, cp) {
  return toUtf16(buildOffsetIndex(text), cp);
}
