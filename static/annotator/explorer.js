// The explorer page: who is quoted, how often, by which outlet, how much rests on
// anonymous sources. The filters (a form) make a query string; the figures come from
// GET /api/projects/{id}/sources/ and are drawn by explorer-charts.js; a click on a
// source lists its claims (GET .../sources/{entity}/claims/), each linking into the
// workspace at its span. The query string is kept in the page's address, so a reload
// or a shared link shows the same view.

import { clear, h } from "./dom.js";
import { shareBars, sourceBars, timelineLines } from "./explorer-charts.js";
import { otherAppearances } from "./explorer-groups.js";
import { pageSetUp } from "./page.js";

const { config, api } = pageSetUp("ann-explorer-config");
const el = {
  form: document.getElementById("ann-explorer-filters"),
  message: document.getElementById("ann-explorer-message"),
  csv: document.getElementById("ann-explorer-csv"),
  sources: document.getElementById("ann-explorer-sources"),
  claims: document.getElementById("ann-explorer-claims"),
  sourceName: document.getElementById("ann-explorer-source-name"),
  outlets: document.getElementById("ann-explorer-outlets"),
  months: document.getElementById("ann-explorer-months"),
  timeline: document.getElementById("ann-explorer-timeline"),
};
const CLAIMS_PAGE = 50;
const state = { chosen: null, sources: [] };  // chosen: the entity key shown ("none", an id)

// The form's filters as a query string (empty fields left out; "approved" is the default).
export function filterQuery(form) {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (value && !(name === "layer" && value === "approved")) query.append(name, value);
  }
  return query;
}

// The form set from a query string (the page's address): unknown values are left as the
// server will say (a 400 naming the parameter, shown in the message line).
function formFrom(query) {
  for (const field of el.form.elements) {
    if (!field.name) continue;
    const values = query.getAll(field.name);
    if (field.name === "attribute") {
      const mine = values.find((v) => [...field.options].some((o) => o.value === v));
      if (mine) field.value = mine;
    } else if (values.length) field.value = values[0];
  }
  state.chosen = query.get("source");
}

function say(text, kind = "muted") {
  el.message.className = kind === "error" ? "ann-message ann-message-error" : "ann-muted";
  el.message.textContent = text;
}

function described(totals, shown, total) {
  if (!totals.claims) return "No claims in this layer under these filters.";
  return `${totals.claims} claim(s) in ${totals.documents} document(s); ${total} source(s)` +
    (shown < total ? `, the first ${shown} shown` : "") +
    (totals.unattributed ? `; ${totals.unattributed} claim(s) without a source` : "") + ".";
}

function sourceKey(source) {
  return source.entity === null ? "none" : String(source.entity);
}

function drawSources() {
  clear(el.sources).append(...[].concat(sourceBars(state.sources, pick, state.chosen)));
}

async function load() {
  const query = filterQuery(el.form);
  const shown = new URLSearchParams(query);
  if (state.chosen) shown.set("source", state.chosen);
  history.replaceState(null, "", `${location.pathname}${shown.size ? `?${shown}` : ""}`);
  el.csv.href = `/api/projects/${config.project_id}/sources/csv/?${query}`;
  say("Loading…");
  let figures;
  try {
    figures = await api.get(`/projects/${config.project_id}/sources/?${query}`);
  } catch (error) {
    say(`Could not load the explorer: ${error.message}`, "error");
    return;
  }
  state.sources = figures.sources;
  say(described(figures.totals, figures.sources.length, figures.total_sources));
  drawSources();
  clear(el.outlets).append(...[].concat(shareBars(figures.outlets, (r) => r.outlet || "(no outlet)", "Anonymous sources per outlet")));
  clear(el.months).append(...[].concat(shareBars(figures.months, (r) => r.month || "(no date)", "Anonymous sources per month")));
  clear(el.timeline).append(timelineLines(figures.timeline));
  const chosen = state.sources.find((s) => sourceKey(s) === state.chosen);
  if (chosen) await showClaims(chosen);
  else if (state.chosen) showNothing();
  document.body.dataset.ready = "true"; // for the browser tests: drawn
}

function showNothing() {
  el.sourceName.textContent = "a source";
  clear(el.claims).append(h("p", { className: "ann-muted" }, "Click a source to see its claims."));
}

async function pick(source) {
  state.chosen = sourceKey(source);
  const shown = new URLSearchParams(location.search);
  shown.set("source", state.chosen);
  history.replaceState(null, "", `${location.pathname}?${shown}`);
  drawSources();
  await showClaims(source);
}

function claimItem(claim) {
  const where = [claim.document.title || `Document ${claim.document.id}`,
    claim.document.outlet, claim.document.published].filter(Boolean).join(" · ");
  const attributes = Object.entries(claim.attributes).map(([k, v]) => `${k.replaceAll("_", " ")}: ${v}`).join(", ");
  return h("li", { dataset: { span: String(claim.span_id) } },
    h("blockquote", {}, claim.quote),
    h("p", { className: "ann-small" },
      claim.source_quote ? `Source: “${claim.source_quote}”${claim.cue_quote ? ` · cue: “${claim.cue_quote}”` : ""}` : "No source",
      attributes ? h("span", { className: "ann-muted" }, ` (${attributes})`) : ""),
    h("p", { className: "ann-small ann-muted" }, where, " ",
      h("a", { href: claim.workspace_url, className: "ann-explorer-open" }, "Open in the workspace")),
    otherAppearances(claim, { api, projectId: config.project_id }));
}

async function showClaims(source, offset = 0) {
  el.sourceName.textContent = source.name;
  const query = filterQuery(el.form);
  query.set("limit", String(CLAIMS_PAGE));
  query.set("offset", String(offset));
  let page;
  try {
    page = await api.get(`/projects/${config.project_id}/sources/${sourceKey(source)}/claims/?${query}`);
  } catch (error) {
    clear(el.claims).append(h("p", { className: "ann-message ann-message-error" }, `Could not load the claims: ${error.message}`));
    return;
  }
  let list = el.claims.querySelector("ol");
  if (!offset || !list) {
    list = h("ol", { className: "ann-explorer-claims", "aria-label": `Claims of ${source.name}` });
    clear(el.claims).append(h("p", { className: "ann-muted" }, `${page.count} claim(s)`, source.entity === null ? "" : [" · ",
      h("a", { href: `/projects/${config.project_id}/entities/?entity=${source.entity}`, className: "ann-explorer-entity" }, "Names, aliases and merges")]), list);
  }
  list.append(...page.results.map(claimItem));
  el.claims.querySelector(".ann-explorer-more")?.remove();
  const next = offset + page.results.length;
  if (next < page.count) {
    const more = h("button", { type: "button", className: "ann-button ann-button-small ann-explorer-more" },
      `${page.count - next} more`);
    more.addEventListener("click", () => showClaims(source, next));
    el.claims.append(more);
  }
}

formFrom(new URLSearchParams(location.search));
el.form.addEventListener("change", () => { state.chosen = null; showNothing(); load(); });
el.form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
load();
