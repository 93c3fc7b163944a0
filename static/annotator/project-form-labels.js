// The label set editor of the New project and Settings pages: rows of name, key,
// colour, description and role; add, remove, move up and down. A saved label that
// spans use is not removed: the row says how many use it and offers to rename it
// (edit its name) or to merge it into another label (the API moves its spans).
import { clear, h } from "./dom.js";

export const ROLES = [["", "—"], ["claim", "claim"], ["source", "source"], ["cue", "cue"]];
const DEFAULT_ROLE_LABELS = { claim: "CLAIM", source: "SOURCE", cue: "CUE" };

let nextKey = 1;

// Rows from labels ({id?, name, hotkey, color, description}) and the project's roles.
export function labelRows(labels, roleLabels = {}) {
  const roles = { ...DEFAULT_ROLE_LABELS, ...roleLabels };
  return labels.map((label) => ({
    key: nextKey++, id: label.id ?? null, name: label.name, hotkey: label.hotkey || "",
    color: label.color || "#888888", description: label.description || "",
    role: Object.keys(roles).find((role) => roles[role] === label.name) || "",
  }));
}

export function newLabelRow() {
  return { key: nextKey++, id: null, name: "", hotkey: "", color: "#6b7280", description: "", role: "" };
}

// What the API takes: the labels in order, and settings.role_labels.
export function labelsPayload(rows) {
  const labels = rows.map((row) => {
    const item = { name: row.name.trim(), hotkey: row.hotkey, color: row.color, description: row.description };
    if (row.id) item.id = row.id;
    return item;
  });
  const roleLabels = {};
  for (const row of rows) if (row.role) roleLabels[row.role] = row.name.trim();
  return { labels, roleLabels };
}

// The editor: render(rows) after every structural change; typing updates the row only.
export function labelEditor({ body, rows, usage, onMerge, showUsage }) {
  let offer = null; // the key of the row whose "in use" offer is open

  function input(row, field, props) {
    const el = h("input", { ...props, value: row[field], name: `label-${field}` });
    el.addEventListener("input", () => { row[field] = el.value; });
    return el;
  }

  function roleSelect(row) {
    const select = h("select", { "aria-label": `Role of ${row.name || "the new label"}`, name: "label-role" },
      ...ROLES.map(([value, text]) => h("option", { value, selected: row.role === value }, text)));
    select.addEventListener("change", () => {
      for (const other of rows) if (other !== row && other.role === select.value) other.role = "";
      row.role = select.value;
      render();
    });
    return select;
  }

  function tool(text, label, run, disabled = false) {
    const b = h("button", { type: "button", className: "ann-tool-button", "aria-label": label, title: label, disabled }, text);
    b.addEventListener("click", run);
    return b;
  }

  function used(row) {
    return row.id ? usage.get(row.id) : null;
  }

  function remove(row) {
    const counts = used(row);
    if (counts && counts.spans > 0) {
      offer = row.key;
      render();
      return;
    }
    rows.splice(rows.indexOf(row), 1);
    render();
  }

  function move(row, step) {
    const at = rows.indexOf(row);
    rows.splice(at, 1);
    rows.splice(at + step, 0, row);
    render();
  }

  function offerRow(row) {
    const counts = used(row);
    const targets = rows.filter((other) => other.id && other !== row);
    const select = h("select", { "aria-label": "Merge into", className: "ann-merge-into" },
      ...targets.map((other) => h("option", { value: other.id }, other.name)));
    const merge = h("button", { type: "button", className: "ann-button ann-button-small ann-merge-button", disabled: !targets.length }, "Merge");
    merge.addEventListener("click", () => onMerge(row, Number(select.value), targets.find((t) => t.id === Number(select.value))));
    const rename = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet ann-rename-button" }, "Rename it");
    rename.addEventListener("click", () => {
      offer = null;
      render();
      const name = body.querySelector(`tr[data-key="${row.key}"] input[name=label-name]`);
      name.focus();
      name.select();
    });
    const cancel = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet" }, "Keep it");
    cancel.addEventListener("click", () => { offer = null; render(); });
    return h("tr", { className: "ann-offer-row" }, h("td", { colspan: 7 },
      h("div", { className: "ann-message ann-message-warning ann-in-use", role: "alert" },
        h("p", {}, h("strong", {}, `${row.name} is used by ${plural(counts.spans, "span")} and ${plural(counts.attributions, "attribution")}`),
          ", so it cannot simply be removed. Rename it (edit its name above and save), or merge it into another label: its spans move there, each move recorded in their history, and this label goes."),
        h("p", { className: "ann-filters" }, h("label", {}, "Merge into ", select), merge, rename, cancel))));
  }

  function render() {
    clear(body);
    rows.forEach((row, at) => {
      const counts = used(row);
      const name = `${row.name || "new label"}`;
      const tr = h("tr", { className: "ann-label-row", dataset: { key: row.key, id: row.id || "" } },
        h("td", {}, input(row, "name", { type: "text", maxlength: 50, required: true, "aria-label": `Name of label ${at + 1}`, placeholder: "NAME" })),
        h("td", {}, input(row, "hotkey", { type: "text", maxlength: 1, size: 2, "aria-label": `Key of ${name}`, className: "ann-key-input" })),
        h("td", {}, input(row, "color", { type: "color", "aria-label": `Colour of ${name}` })),
        h("td", {}, input(row, "description", { type: "text", maxlength: 2000, "aria-label": `Description of ${name}`, className: "ann-wide-input" })),
        h("td", {}, roleSelect(row)),
        showUsage ? h("td", { className: "ann-usage" }, counts ? plural(counts.spans, "span") : "new") : null,
        h("td", { className: "ann-row-tools" },
          tool("↑", `Move ${name} up`, () => move(row, -1), at === 0),
          tool("↓", `Move ${name} down`, () => move(row, 1), at === rows.length - 1),
          tool("✕", `Remove ${name}`, () => remove(row))));
      body.append(tr);
      if (offer === row.key) body.append(offerRow(row));
    });
  }

  return {
    render,
    add() {
      rows.push(newLabelRow());
      render();
      body.querySelector("tr.ann-label-row:last-of-type input")?.focus();
    },
    // After a merge: the merged row goes, the other one takes its role if it had none.
    merged(row, into) {
      const target = rows.find((other) => other.id === into.id);
      if (target && !target.role) target.role = row.role;
      rows.splice(rows.indexOf(row), 1);
      offer = null;
      render();
    },
    // The server refused removing a label (409): open the offer on its row.
    inUse(labelId, counts) {
      const row = rows.find((other) => other.id === labelId);
      if (!row) return false;
      usage.set(labelId, counts);
      offer = row.key;
      render();
      return true;
    },
  };
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
