// The attribute definitions editor: a name and its choices (one per line) each. On the
// Settings page, each attribute says how many attributions set it and each choice.
import { clear, h } from "./dom.js";
import { plural } from "./project-form-labels.js";

export function attributeRows(definitions) {
  return (definitions || []).map((d) => ({
    name: d.name, appliesTo: d.applies_to || "attribution", choices: (d.choices || []).join("\n"),
  }));
}

export function attributesPayload(rows) {
  return rows.map((row) => ({
    name: row.name.trim(), applies_to: row.appliesTo,
    choices: row.choices.split("\n").map((c) => c.trim()).filter(Boolean),
  }));
}

export function attributeEditor({ box, rows, usage }) {
  function render() {
    clear(box);
    rows.forEach((row, at) => {
      const counts = usage.get(row.name);
      const name = h("input", { type: "text", value: row.name, maxlength: 100, "aria-label": `Name of attribute ${at + 1}`, name: "attribute-name" });
      name.addEventListener("input", () => { row.name = name.value; });
      const choices = h("textarea", { rows: Math.max(3, row.choices.split("\n").length), "aria-label": `Choices of ${row.name || "the new attribute"}`, name: "attribute-choices" }, row.choices);
      choices.addEventListener("input", () => { row.choices = choices.value; });
      const remove = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet" }, "Remove");
      remove.addEventListener("click", () => {
        if (counts && counts.attributions) {  // the server would refuse it (409): say so now
          remove.replaceWith(h("span", { className: "ann-error", role: "alert" },
            `Set on ${plural(counts.attributions, "attribution")}: it cannot be removed.`));
          return;
        }
        rows.splice(at, 1);
        render();
      });
      const used = counts && counts.attributions
        ? h("p", { className: "ann-muted ann-usage" }, `Set on ${plural(counts.attributions, "attribution")}: `,
          Object.entries(counts.choices).map(([choice, n]) => `${choice} ${n}`).join(", "),
          ". An attribute or a choice in use cannot be removed.")
        : null;
      box.append(h("div", { className: "ann-attribute-row", dataset: { name: row.name } },
        h("label", {}, "Name", name), h("label", {}, "Choices", choices), remove, used));
    });
  }
  return {
    render,
    add() {
      rows.push({ name: "", appliesTo: "attribution", choices: "" });
      render();
      box.querySelector(".ann-attribute-row:last-child input")?.focus();
    },
  };
}
