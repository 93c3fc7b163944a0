// A claim's other appearances on the explorer page: the same claim reported in several
// documents (the approved layer's near-duplicate groups, kept by a worker). A claim whose
// list item names a group gets a button; it fetches GET /api/projects/{id}/claim-groups/
// {key}/ and lists every appearance by date (who reported it first), each with its
// document, outlet, sources and a link into the workspace at its span.

import { clear, h } from "./dom.js";

// Only http(s) addresses become links (a document's source URL is data from its import).
export function httpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

// "the minister (The minister)", or the entity's name alone when it is the quote.
export function sourceText(source) {
  const said = source.quote || "";
  if (!source.name || source.name === said) return said || source.name || "(no source)";
  return said ? `${said} (${source.name})` : source.name;
}

export function appearanceLine(appearance) {
  const d = appearance.document;
  return [d.title || `Document ${d.id}`, d.outlet, d.published || "undated"].filter(Boolean).join(" · ");
}

function appearanceItem(appearance, index, spanId) {
  const here = appearance.span_id === spanId;
  const marks = [];
  if (index === 0 && appearance.document.published) marks.push(h("strong", { className: "ann-explorer-first" }, "First reported"));
  if (here) marks.push(h("span", { className: "ann-muted" }, "this claim"));
  const article = httpUrl(appearance.document.source_url);
  return h("li", { dataset: { span: String(appearance.span_id) }, className: here ? "ann-explorer-here" : "" },
    h("p", { className: "ann-small" }, ...marks.flatMap((m) => [m, " "]), appearanceLine(appearance)),
    h("blockquote", {}, appearance.quote),
    h("p", { className: "ann-small ann-muted" },
      appearance.sources.map(sourceText).join("; "), " ",
      h("a", { href: appearance.workspace_url, className: "ann-explorer-open" }, "Open in the workspace"),
      article ? " · " : "", article ? h("a", { href: article, rel: "noopener noreferrer" }, "Article") : ""));
}

// The control under a claim of the list: "" when the claim is said nowhere else.
export function otherAppearances(claim, { api, projectId }) {
  if (!claim.group) return "";
  const others = claim.group.size - 1;
  const box = h("div", { className: "ann-explorer-appearances" });
  const toggle = h("button", { type: "button", className: "ann-button ann-button-small ann-explorer-group", "aria-expanded": "false" },
    `Also in ${others} other place${others === 1 ? "" : "s"}`);
  toggle.addEventListener("click", async () => {
    if (toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      clear(box);
      return;
    }
    toggle.setAttribute("aria-expanded", "true");
    clear(box).append(h("p", { className: "ann-muted" }, "Loading…"));
    let group;
    try {
      group = await api.get(`/projects/${projectId}/claim-groups/${claim.group.key}/`);
    } catch (error) {
      clear(box).append(h("p", { className: "ann-message ann-message-error" }, `Could not load its other appearances: ${error.message}`));
      return;
    }
    clear(box).append(
      h("p", { className: "ann-small ann-muted" }, `${group.size} appearance(s) in ${group.documents} document(s), by date`),
      h("ol", { className: "ann-explorer-claims", "aria-label": "Appearances of this claim" },
        ...group.appearances.map((a, i) => appearanceItem(a, i, claim.span_id))));
  });
  return h("div", {}, toggle, box);
}
