// The only element builder. User text reaches the DOM as text nodes only:
// never innerHTML (document text, titles and labels are untrusted).

export function h(tag, props = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) throw new Error(`no inline handlers: ${key}`);
    if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "className") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...kids.flat().filter((kid) => kid !== null && kid !== undefined && kid !== false));
  return el;
}

// The same for SVG (charts): attributes as given, kids as text nodes or elements.
const SVG_NS = "http://www.w3.org/2000/svg";
export function svg(tag, attrs = {}, ...kids) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) throw new Error(`no inline handlers: ${key}`);
    node.setAttribute(key, String(value));
  }
  node.append(...kids.flat().filter((kid) => kid !== null && kid !== undefined && kid !== false));
  return node;
}

// A value stored under a user-given key ("constructor", "__proto__" are ordinary
// names here): only the object's own property, never one it inherits.
export function own(object, key) {
  return object != null && Object.hasOwn(object, key) ? object[key] : undefined;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// Guidelines are Markdown written by project admins: a small subset (headings,
// lists, paragraphs, **bold**, *italic*) rendered with h(), so no markup in
// them can ever run.
export function markdownToNodes(source) {
  const nodes = [];
  let list = null;
  let paragraph = null; // lines of the paragraph being read
  const endParagraph = () => {
    if (paragraph) nodes.push(h("p", {}, ...inline(paragraph.join(" "))));
    paragraph = null;
  };
  for (const raw of (source || "").split("\n")) {
    const line = raw.trimEnd();
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      endParagraph();
      if (!list) nodes.push((list = h("ul")));
      list.append(h("li", {}, ...inline(item[1])));
    } else if (list && /^\s+\S/.test(line)) {
      list.lastChild.append(" ", ...inline(line.trim()));
    } else if (heading) {
      endParagraph();
      list = null;
      nodes.push(h(`h${Math.min(6, heading[1].length + 2)}`, {}, ...inline(heading[2])));
    } else if (line.trim()) {
      list = null;
      (paragraph = paragraph || []).push(line.trim());
    } else {
      endParagraph();
      list = null;
    }
  }
  endParagraph();
  return nodes;
}

function inline(text) {
  const parts = [];
  const pattern = /\*\*(.+?)\*\*|\*(.+?)\*/g;
  let last = 0;
  for (let m; (m = pattern.exec(text)); ) {
    parts.push(text.slice(last, m.index));
    parts.push(m[1] !== undefined ? h("strong", {}, m[1]) : h("em", {}, m[2]));
    last = pattern.lastIndex;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== "");
}
