// The project page's assignment card (admins): assign or unassign the ticked documents to
// the ticked annotators, or assign automatically (k per document, balanced, seeded). After
// a change the page reloads, so the list shows who is on what; the message survives it.
import { pageSetUp } from "./page.js";

const root = document.getElementById("ann-assign");
const { config, api } = pageSetUp("ann-assign-config");
const message = root.querySelector(".ann-assign-message");
const KEPT = "ann-assign-message";

const kept = sessionStorage.getItem(KEPT);
if (kept) {
  message.textContent = kept;
  sessionStorage.removeItem(KEPT);
}

// The document checkboxes of the list below (shared with pre-tagging's "ticked documents").
const tickedDocuments = () => [...document.querySelectorAll("input[name=pretag-document]:checked")].map((box) => Number(box.value));
const tickedAnnotators = () => [...root.querySelectorAll("input[name=assign-annotator]:checked")].map((box) => Number(box.value));
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

function done(text) {
  sessionStorage.setItem(KEPT, text);
  location.reload();
}

async function byHand(unassign) {
  const documents = tickedDocuments();
  const annotators = tickedAnnotators();
  if (!documents.length || !annotators.length) {
    message.textContent = "Tick one or more documents in the list below and one or more annotators above first.";
    return;
  }
  try {
    if (unassign) {
      const out = await api.post(`/projects/${config.project_id}/assignments/unassign/`, { documents, annotators });
      done(`Unassigned ${plural(out.removed.length, "assignment")}${out.unchanged ? ` (${out.unchanged} were not assigned)` : ""}.`);
    } else {
      const out = await api.post(`/projects/${config.project_id}/assignments/`, { documents, annotators });
      done(`Assigned ${plural(out.created.length, "document-annotator pair")}${out.unchanged ? ` (${out.unchanged} already assigned)` : ""}.`);
    }
  } catch (error) {
    message.textContent = `Could not ${unassign ? "unassign" : "assign"}: ${error.message}`;
  }
}

root.querySelector("#ann-assign-ticked").addEventListener("click", () => byHand(false));
root.querySelector("#ann-unassign-ticked").addEventListener("click", () => byHand(true));

const auto = root.querySelector("#ann-assign-auto");
auto.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(auto);
  const body = { k: Number(form.get("k")), seed: Number(form.get("seed")) };
  const annotators = tickedAnnotators();
  if (annotators.length) body.annotators = annotators;
  if (form.get("only_ticked")) {
    body.documents = tickedDocuments();
    if (!body.documents.length) {
      message.textContent = "Tick the documents to assign in the list below first (or untick “ticked documents only”).";
      return;
    }
  }
  try {
    const out = await api.post(`/projects/${config.project_id}/assignments/auto/`, body);
    const full = out.unchanged ? `; ${plural(out.unchanged, "document")} had enough annotators already` : "";
    done(`Assigned ${plural(out.created.length, "document-annotator pair")} automatically${full}.`);
  } catch (error) {
    message.textContent = `Could not assign automatically: ${error.message}`;
  }
});
