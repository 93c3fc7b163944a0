// Turning a raw selection into span offsets, without the DOM: trim the
// whitespace around it and, by default, snap it out to whole words.
// Positions are UTF-16 units; surrogate pairs are never split.

const WORD = /[\p{L}\p{N}\p{M}_'’\-]/u;

function charBefore(text, pos) {
  if (pos <= 0) return "";
  const low = text.charCodeAt(pos - 1);
  if (low >= 0xdc00 && low <= 0xdfff && pos >= 2) return text.slice(pos - 2, pos);
  return text[pos - 1];
}

function charAt(text, pos) {
  if (pos >= text.length) return "";
  const high = text.charCodeAt(pos);
  if (high >= 0xd800 && high <= 0xdbff && pos + 1 < text.length) return text.slice(pos, pos + 2);
  return text[pos];
}

function isWord(ch) {
  return ch !== "" && WORD.test(ch);
}

// A combining mark belongs with the letter before it: never start on one.
const MARK = /\p{M}/u;

export function adjustSelection(text, start, end, { snap = true } = {}) {
  let a = Math.max(0, Math.min(start, end));
  let b = Math.min(text.length, Math.max(start, end));
  while (a < b && /\s/u.test(charAt(text, a))) a += charAt(text, a).length;
  while (b > a && /\s/u.test(charBefore(text, b))) b -= charBefore(text, b).length;
  if (snap && a < b) {
    // Grow to the edges of the words the selection touches.
    if (isWord(charAt(text, a))) {
      while (isWord(charBefore(text, a))) a -= charBefore(text, a).length;
    }
    if (isWord(charBefore(text, b))) {
      while (isWord(charAt(text, b))) b += charAt(text, b).length;
    }
  }
  while (a > 0 && MARK.test(charAt(text, a))) a -= charBefore(text, a).length;
  while (b < text.length && MARK.test(charAt(text, b))) b += charAt(text, b).length;
  // Never leave half a surrogate pair at either end.
  if (a > 0 && a < text.length && text.charCodeAt(a) >= 0xdc00 && text.charCodeAt(a) <= 0xdfff) a -= 1;
  if (b > 0 && b < text.length && text.charCodeAt(b) >= 0xdc00 && text.charCodeAt(b) <= 0xdfff) b += 1;
  return a < b ? { start: a, end: b } : null;
}
