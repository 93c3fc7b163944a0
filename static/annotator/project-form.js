// The New project page and a project's Settings page: one form over the REST API.
// New: POST /api/projects/ then go to the project. Settings: PATCH the project with
// its whole label set (ids kept, so renames keep their spans); a label in use that
// was removed comes back as a 409 with its counts, and the row offers rename or merge.
import { ApiError } from "./api.js";
import { clear, markdownToNodes } from "./dom.js";
import { messenger, pageSetUp } from "./page.js";
import { attributeEditor, attributeRows, attributesPayload } from "./project-form-attributes.js";
import { labelEditor, labelRows, labelsPayload, plural } from "./project-form-labels.js";

const { config, api } = pageSetUp("ann-project-form-config");
const form = document.getElementById("ann-project-form");
const say = messenger(document.getElementById("ann-form-message"));
const project = config.project;
const field = (id) => document.getElementById(id);

const settings = { ...(project ? project.settings : {}) };
const labelUsage = new Map();
const attributeUsage = new Map();
const labels = labelRows(project ? project.labels : config.default_labels, settings.role_labels || {});
const attributes = attributeRows(project ? project.attribute_definitions : config.default_attributes);

const labelsUi = labelEditor({ body: field("ann-label-rows"), rows: labels, usage: labelUsage, onMerge: merge, showUsage: !!project });
const attributesUi = attributeEditor({ box: field("ann-attribute-rows"), rows: attributes, usage: attributeUsage });

function fill() {
  field("ann-name").value = project ? project.name : "";
  field("ann-description").value = project ? project.description : "";
  field("ann-guidelines").value = project ? project.guidelines : "";
  field("ann-see-each-other").checked = settings.annotators_see_each_other === true;
  field("ann-review-own").checked = settings.review_own_labels === true;
  field("ann-unassigned-open").checked = settings.unassigned_open !== false;
  field("ann-per-document").value = settings.annotators_per_document || 1;
  preview();
}

function preview() {
  const box = field("ann-guidelines-preview");
  const text = field("ann-guidelines").value;
  clear(box).append(...(text.trim() ? markdownToNodes(text) : [document.createTextNode("Nothing yet.")]));
}

async function loadUsage() {
  if (!project) return;
  const usage = await api.get(`/projects/${project.id}/usage/`);
  for (const row of usage.labels) labelUsage.set(row.id, row);
  for (const row of usage.attributes) attributeUsage.set(row.name, row);
  labelsUi.render();
  attributesUi.render();
}

function payload() {
  const { labels: labelItems, roleLabels } = labelsPayload(labels);
  const perDocument = Number(field("ann-per-document").value);
  return {
    name: field("ann-name").value.trim(),
    description: field("ann-description").value,
    guidelines: field("ann-guidelines").value,
    labels: labelItems,
    attribute_definitions: attributesPayload(attributes),
    settings: {
      ...settings,
      annotators_see_each_other: field("ann-see-each-other").checked,
      review_own_labels: field("ann-review-own").checked,
      unassigned_open: field("ann-unassigned-open").checked,
      annotators_per_document: Number.isInteger(perDocument) ? perDocument : field("ann-per-document").value,
      role_labels: roleLabels,
    },
  };
}

// "labels[2].name: must start…" (the services) or {"labels": [{}, {"hotkey": […]}]} (the
// API's parsing) → "Label 3 (NAME), name: must start…".
function readable(error) {
  const body = error.body && typeof error.body === "object" ? error.body : {};
  const parts = [];
  for (const [key, rows, what] of [["labels", labels, "Label"], ["attribute_definitions", attributes, "Attribute"]]) {
    const found = body[key];
    if (!found || typeof found !== "object") continue;
    // A list, or (this API's errors) an object keyed by the index.
    for (const [i, item] of Object.entries(found)) {
      if (!item || typeof item !== "object" || Array.isArray(item)) continue;
      for (const [name, problems] of Object.entries(item)) {
        parts.push(`${what} ${Number(i) + 1} (${rows[i]?.name || "new"}), ${name}: ${[].concat(problems).join(" ")}`);
      }
    }
  }
  if (parts.length) return parts.join("; ");
  return error.message.replace(/labels\[(\d+)\]\.(\w+)/g, (_, i, f) => `Label ${Number(i) + 1} (${labels[i]?.name || "new"}), ${f}`)
    .replace(/attribute_definitions\[(\d+)\]/g, (_, i) => `Attribute ${Number(i) + 1} (${attributes[i]?.name || "new"})`);
}

async function save(event) {
  event.preventDefault();
  const body = payload();
  if (!body.name) {
    say("Give the project a name.", "error");
    field("ann-name").focus();
    return;
  }
  const button = field("ann-save");
  button.disabled = true;
  say(project ? "Saving…" : "Creating…");
  try {
    if (!project) {
      const created = await api.post("/projects/", body);
      window.location.assign(`/projects/${created.id}/`);
      return;
    }
    const saved = await api.patch(`/projects/${project.id}/`, body);
    for (const [row, label] of labels.map((row, i) => [row, saved.labels[i]])) if (label) row.id = label.id;
    Object.assign(settings, saved.settings);
    await loadUsage();
    say("Saved.", "success");
  } catch (error) {
    if (!(error instanceof ApiError)) {
      say(error.message, "error");
    } else if (error.status === 409 && error.body?.code === "label_in_use") {
      const current = error.body.current;
      // Put the label back, so that the row can offer to rename or merge it.
      if (!labels.some((row) => row.id === current.label.id)) {
        labels.push(...labelRows([current.label], settings.role_labels || {}));
      }
      labelsUi.inUse(current.label.id, current);
      say(`Not saved: ${current.label.name} is used by ${plural(current.spans, "span")}. Rename it or merge it into another label (below), then save again.`, "error");
    } else {
      say(`Not saved. ${readable(error)}`, "error");
    }
  } finally {
    button.disabled = false;
  }
}

async function merge(row, intoId, into) {
  if (!into) return;
  const counts = labelUsage.get(row.id) || { spans: 0 };
  if (!window.confirm(`Move the ${plural(counts.spans, "span")} of ${row.name} to ${into.name}, and delete ${row.name}?`)) return;
  try {
    const result = await api.post(`/projects/${project.id}/labels/${row.id}/merge/`, { into: intoId });
    labelsUi.merged(row, result.into);
    await loadUsage();
    const folded = result.folded ? ` (${plural(result.folded, "span")} repeated one already marked ${result.into.name} and joined it)` : "";
    say(`Merged ${row.name} into ${result.into.name}: ${plural(result.moved, "span")} moved${folded}.`, "success");
  } catch (error) {
    say(`Not merged. ${error.message}`, "error");
  }
}

field("ann-guidelines").addEventListener("input", preview);
field("ann-label-add").addEventListener("click", () => labelsUi.add());
field("ann-attribute-add").addEventListener("click", () => attributesUi.add());
form.addEventListener("submit", save);
fill();
labelsUi.render();
attributesUi.render();
loadUsage().catch((error) => say(`Could not read what uses the labels: ${error.message}`, "warning"))
  .finally(() => { document.body.dataset.ready = "true"; });
