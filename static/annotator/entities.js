// The source entities page: the project's entities (search by name or alias), one of
// them in detail, and for reviewers and admins its edit form (name, type, aliases:
// PATCH .../entities/{id}/ with its version) and a merge into another entity (a
// search-as-you-type picker, then a confirmation naming both: POST .../merge/).
// Annotators see the same entities read-only. Names go into the page as text nodes only.

import { clear, h } from "./dom.js";
import { entityChanges, entityError, mergeChoices, mergeQuestion } from "./entity-edit.js";
import { messenger, pageSetUp } from "./page.js";

const { config, api } = pageSetUp("ann-entities-config");
const el = {
  q: document.getElementById("ann-entities-q"),
  list: document.getElementById("ann-entities-list"),
  count: document.getElementById("ann-entities-count"),
  title: document.getElementById("ann-entity-title"),
  body: document.getElementById("ann-entity-body"),
};
const say = messenger(document.getElementById("ann-entities-message"));
const state = { entity: null, listed: 0 };
const typeLabel = Object.fromEntries(config.types.map((t) => [t.value, t.label]));

function mentions(n) {
  return n === 1 ? "1 mention" : `${n} mentions`;
}

// Search as one types: each answer is drawn only if no later request was sent meanwhile.
function searcher(run, delay = 200) {
  let timer = null;
  let sent = 0;
  return (value) => {
    clearTimeout(timer);
    const mine = ++sent;
    timer = setTimeout(async () => {
      const answer = await run(value);
      if (mine === sent && answer !== undefined) answer();
    }, delay);
  };
}

async function search(q) {
  const query = new URLSearchParams({ page_size: "200" });
  if (q.trim()) query.set("q", q.trim());
  return api.get(`/projects/${config.project_id}/entities/?${query}`);
}

function listItem(entity) {
  const b = h("button", { type: "button", dataset: { entity: String(entity.id) },
    "aria-current": state.entity && state.entity.id === entity.id ? "true" : "false" },
  entity.name, h("span", { className: "ann-small ann-muted" },
    ` · ${typeLabel[entity.type] || entity.type} · ${mentions(entity.mentions)}`));
  b.addEventListener("click", () => open(entity.id));
  return h("li", {}, b);
}

async function loadList(q = el.q.value) {
  let page;
  try {
    page = await search(q);
  } catch (error) {
    say(`Could not load the entities: ${error.message}`, "error");
    return;
  }
  clear(el.list).append(...page.results.map(listItem));
  el.count.textContent = page.count > page.results.length
    ? `${page.count} entities; the first ${page.results.length} shown: search to find others.`
    : `${page.count} ${page.count === 1 ? "entity" : "entities"}.`;
  if (!page.count) el.list.append(h("li", { className: "ann-muted" }, "No entity matches."));
}

async function open(id, { quiet = false } = {}) {
  let entity;
  try {
    entity = await api.get(`/projects/${config.project_id}/entities/${id}/`);
  } catch (error) {
    say(error.status === 404 ? "This entity no longer exists (merged or deleted)."
      : `Could not load the entity: ${error.message}`, "error");
    return;
  }
  if (!quiet) say("");
  show(entity);
  const shown = new URLSearchParams(location.search);
  shown.set("entity", String(entity.id));
  history.replaceState(null, "", `${location.pathname}?${shown}`);
  for (const b of el.list.querySelectorAll("button[data-entity]")) {
    b.setAttribute("aria-current", b.dataset.entity === String(entity.id) ? "true" : "false");
  }
}

function readOnly(entity) {
  return h("dl", { className: "ann-entity-facts" },
    h("dt", {}, "Type"), h("dd", {}, typeLabel[entity.type] || entity.type),
    h("dt", {}, "Aliases"), h("dd", {}, entity.aliases.length ? entity.aliases.join(" · ") : "none"),
    h("dt", {}, "Mentions"), h("dd", {}, String(entity.mentions)));
}

function editForm(entity) {
  const name = h("input", { name: "name", value: entity.name, required: true, maxlength: 200 });
  const type = h("select", { name: "type" }, ...config.types.map((t) => h("option", {
    value: t.value, selected: t.value === entity.type }, t.label)));
  const aliases = h("textarea", { name: "aliases", rows: 5 });
  aliases.value = entity.aliases.join("\n");
  const form = h("form", { className: "ann-entity-form", "aria-label": "Edit entity" },
    h("label", {}, "Name", name), h("label", {}, "Type", type),
    h("label", {}, "Aliases (one a line)", aliases),
    h("p", { className: "ann-small ann-muted" }, `${mentions(entity.mentions)} · version ${entity.version}`),
    h("button", { type: "submit", className: "ann-button" }, "Save"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = entityChanges(entity, { name: name.value, type: type.value, aliases: aliases.value });
    if (!changes) { say("Nothing to save: nothing changed.", "info"); return; }
    try {
      const saved = await api.patch(`/projects/${config.project_id}/entities/${entity.id}/`, changes, entity.version);
      say(`Saved “${saved.name}”.`, "success");
      show(saved);
      loadList();
    } catch (error) {
      const actions = error.status === 409 || error.status === 404
        ? [["Reload", () => { loadList(); open(entity.id, { quiet: true }); }]] : [];
      say(entityError(error, entity.name), "error", actions);
    }
  });
  return form;
}

function mergePanel(entity) {
  const input = h("input", { type: "search", autocomplete: "off", placeholder: "Type a name or alias",
    "aria-label": `Entity to merge ${entity.name} into` });
  const picks = h("ul", { className: "ann-entity-picks", "aria-label": "Entities to merge into" });
  const confirm = h("div", { className: "ann-entity-confirm", hidden: true, role: "alertdialog",
    "aria-label": "Confirm the merge" });
  const find = searcher(async (q) => {
    if (!q.trim()) return () => clear(picks);
    let page;
    try {
      page = await search(q);
    } catch (error) {
      return () => say(`Could not search the entities: ${error.message}`, "error");
    }
    return () => {
      const choices = mergeChoices(page.results, entity).slice(0, 20);
      clear(picks).append(...choices.map((other) => {
        const b = h("button", { type: "button", dataset: { into: String(other.id) } }, other.name,
          h("span", { className: "ann-small ann-muted" }, ` · ${typeLabel[other.type] || other.type} · ${mentions(other.mentions)}`));
        b.addEventListener("click", () => ask(other));
        return h("li", {}, b);
      }));
      if (!choices.length) picks.append(h("li", { className: "ann-muted" }, "No other entity matches."));
    };
  });
  input.addEventListener("input", () => find(input.value));

  function ask(into) {
    const yes = h("button", { type: "button", className: "ann-button" }, `Merge into “${into.name}”`);
    const no = h("button", { type: "button", className: "ann-button ann-button-small" }, "Cancel");
    clear(confirm).append(h("p", {}, mergeQuestion(entity, into)), yes, " ", no);
    confirm.hidden = false;
    yes.focus();
    no.addEventListener("click", () => { confirm.hidden = true; input.focus(); });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        const kept = await api.post(`/projects/${config.project_id}/entities/${entity.id}/merge/`, { into: into.id });
        say(`Merged “${entity.name}” into “${kept.name}”: ${mentions(kept.mentions)} now.`, "success");
        await loadList();
        await open(kept.id, { quiet: true });
      } catch (error) {
        yes.disabled = false;
        say(entityError(error, entity.name), "error",
          [["Reload", () => { loadList(); open(entity.id, { quiet: true }); }]]);
      }
    });
  }

  return h("section", { className: "ann-entity-merge", "aria-label": "Merge" },
    h("h3", { className: "ann-card-title" }, `Merge “${entity.name}” into another entity`),
    h("p", { className: "ann-small ann-muted" }, "The same source under two entities? Find the one to keep."),
    input, picks, confirm);
}

function show(entity) {
  state.entity = entity;
  el.title.textContent = entity.name;
  const explorer = h("a", { href: `/projects/${config.project_id}/explorer/?source=${entity.id}` },
    "Its claims in the explorer");
  clear(el.body).append(...(config.can_edit
    ? [editForm(entity), h("p", { className: "ann-small" }, explorer), mergePanel(entity)]
    : [readOnly(entity), h("p", { className: "ann-small" }, explorer),
      h("p", { className: "ann-small ann-muted" }, "Reviewers and admins rename and merge entities.")]));
}

const listSearch = searcher(async (q) => { await loadList(q); return undefined; });
el.q.addEventListener("input", () => listSearch(el.q.value));
await loadList();
const wanted = new URLSearchParams(location.search).get("entity");
if (wanted && /^\d+$/.test(wanted)) await open(wanted);
document.body.dataset.ready = "true"; // for the browser tests: drawn
