// Source entities in the workspace (issue #16): the entity each SOURCE span mentions,
// shown beside it, and a picker (key @) that links the selected SOURCE span of mine to an
// entity of the project: search as you type, arrows and Enter to choose, or make a new
// entity from the span's text. Names and types are the server's, shown as text only.

import { clear, h } from "./dom.js";
import { api, config, el, say, state } from "./workspace-context.js";

export const entityNames = new Map(); // entity id → {id, name, type}
const SEARCH_DELAY_MS = 150;
const TYPES = ["person", "organisation", "anonymous", "document", "group", "other"];

// The names of the entities the layer's spans mention that are not known yet: one request.
export async function loadEntityNames() {
  const wanted = new Set();
  for (const span of state.spans.values()) {
    if (span.entity && !entityNames.has(span.entity)) wanted.add(span.entity);
  }
  if (!wanted.size) return;
  const ids = [...wanted].slice(0, 500).join(",");
  const page = await api.get(`/projects/${config.project_id}/entities/?ids=${ids}&page_size=500`);
  for (const entity of page.results) entityNames.set(entity.id, entity);
}

export function entityOf(span) {
  return span && span.entity ? entityNames.get(span.entity) || { id: span.entity, name: `entity ${span.entity}` } : null;
}

// "→ Antony Blinken" beside a source, "→ ? Antony Blinken" beside a suggestion that
// proposes it (accepting links it; "new" ones are made then), or nothing.
export function entityBadge(span) {
  const entity = entityOf(span);
  if (entity) return h("span", { className: "ann-entity", title: `Source entity (${entity.type || "entity"})` }, entity.name);
  const proposed = span && span.suggestedEntity;
  if (!proposed) return null;
  const known = proposed.id ? entityNames.get(proposed.id) : null;
  const name = known ? known.name : proposed.name;
  return h("span", { className: "ann-entity ann-entity-suggested",
    title: `Suggested source entity (${proposed.type}${proposed.id ? "" : ", new"}; ${proposed.by})` },
  `? ${name}${proposed.id ? "" : " (new)"}`);
}

export function canLinkEntity(span) {
  return Boolean(span && span.kind === "mine" && span.id && span.label === config.role_labels.source
    && !state.readOnly && !state.locked);
}

let picker = null; // {box, input, list, results, active, span, timer, onDone}

export function closePicker() {
  if (!picker) return false;
  clearTimeout(picker.timer);
  picker.box.remove();
  picker = null;
  return true;
}

export function pickerOpen() {
  return picker !== null;
}

// The picker for a SOURCE span of mine; onDone(savedSpan) after a link or an unlink.
export function openPicker(span, onDone) {
  if (!canLinkEntity(span)) {
    say("Select one of your SOURCE spans first: @ links it to a source entity.", "info");
    return;
  }
  closePicker();
  const input = h("input", { type: "search", id: "ann-entity-search", autocomplete: "off",
    "aria-label": "Search the project's source entities", placeholder: "Name or alias…" });
  const list = h("ul", { className: "ann-entity-results", role: "listbox", id: "ann-entity-results" });
  const type = h("select", { id: "ann-entity-type", "aria-label": "Type of the new entity" },
    ...TYPES.map((t) => h("option", { value: t }, t)));
  const make = h("button", { type: "button", className: "ann-button ann-button-small", id: "ann-entity-make" },
    `New entity “${span.quote.slice(0, 60)}”`);
  const box = h("div", { id: "ann-entity-picker", className: "ann-entity-picker", role: "dialog",
    "aria-label": "Link to a source entity" },
  h("strong", {}, "Source entity of "), h("q", {}, span.quote.slice(0, 80)),
  input, list, h("div", { className: "ann-entity-new" }, make, " ", type));
  if (span.entity) {
    const unlink = h("button", { type: "button", className: "ann-link-button", id: "ann-entity-unlink" }, "Unlink");
    unlink.addEventListener("click", () => link(null));
    box.append(h("div", {}, "Now: ", entityBadge(span), " ", unlink));
  }
  el.selectedInfo.after(box);
  picker = { box, input, list, results: [], active: 0, span, timer: null, onDone };
  input.value = span.quote;
  input.addEventListener("input", () => {
    clearTimeout(picker.timer);
    picker.timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  input.addEventListener("keydown", onPickerKey);
  make.addEventListener("click", () => makeEntity(type.value));
  input.focus();
  input.select();
  search();
}

function onPickerKey(event) {
  if (!picker) return;
  const move = { ArrowDown: 1, ArrowUp: -1 }[event.key];
  if (move && picker.results.length) {
    event.preventDefault();
    picker.active = (picker.active + move + picker.results.length) % picker.results.length;
    renderResults();
  } else if (event.key === "Enter") {
    event.preventDefault();
    const chosen = picker.results[picker.active];
    if (chosen) link(chosen.id);
    else makeEntity(document.getElementById("ann-entity-type").value);
  } else if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    closePicker();
  }
}

async function search() {
  if (!picker) return;
  const asked = picker.input.value.trim();
  const query = new URLSearchParams({ q: asked, page_size: "8" });
  try {
    const page = await api.get(`/projects/${config.project_id}/entities/?${query}`);
    if (!picker || picker.input.value.trim() !== asked) return; // typed on meanwhile
    picker.results = page.results;
    picker.active = 0;
    for (const entity of page.results) entityNames.set(entity.id, entity);
    renderResults();
  } catch (error) {
    say(`Could not search the entities: ${error.message}`, "error");
  }
}

function renderResults() {
  clear(picker.list);
  if (!picker.results.length) {
    picker.list.append(h("li", { className: "ann-muted" }, "No entity of that name: Enter makes a new one."));
    return;
  }
  picker.results.forEach((entity, n) => {
    const item = h("li", { role: "option", className: n === picker.active ? "ann-entity-active" : "",
      "aria-selected": String(n === picker.active), dataset: { id: entity.id } },
    h("span", {}, entity.name), " ",
    h("span", { className: "ann-muted" }, `${entity.type} · ${entity.mentions} mention${entity.mentions === 1 ? "" : "s"}`));
    item.addEventListener("mousedown", (event) => event.preventDefault()); // keep the input's focus
    item.addEventListener("click", () => link(entity.id));
    picker.list.append(item);
  });
}

async function makeEntity(type) {
  if (!picker) return;
  const name = picker.input.value.trim() || picker.span.quote;
  try {
    const entity = await api.post(`/projects/${config.project_id}/entities/`, { name, type });
    entityNames.set(entity.id, entity);
    await link(entity.id);
  } catch (error) {
    say(`Could not make the entity: ${error.message}`, "error");
  }
}

async function link(entityId) {
  if (!picker) return;
  const { span, onDone } = picker;
  try {
    const saved = await api.put(`/spans/${span.id}/entity/`, { entity: entityId }, span.version);
    closePicker();
    const entity = entityId ? entityNames.get(entityId) : null;
    say(entity ? `“${span.quote.slice(0, 40)}” is now linked to ${entity.name}.` : "Entity link removed.", "success");
    onDone(saved);
  } catch (error) {
    say(`Could not link the entity: ${error.message}`, "error");
  }
}
