// Attributions: select a claim, press a (or the button), click the source and
// the cue (or select text and press their keys to create them), Enter saves.
// Also deleting an attribution, setting its attributes, showing its spans.

import { act, alreadyBack, editable, reload, undo } from "./workspace-actions.js";
import { api, config, ROLE, say, state } from "./workspace-context.js";
import { renderLinkBar, renderPanels } from "./workspace-panels.js";
import { rerenderKeys, scrollToSpan } from "./workspace-render.js";
import { linkAdd, linkBody, linkKeys, linkStart, spanQuote } from "./workspace-state.js";
import { chain, nextParent, targetAttribution } from "./workspace-nesting.js";

export function startLink() {
  if (!editable()) return;
  const span = state.spans.get(state.selected);
  if (!span || span.kind !== "mine" || span.label !== ROLE.claim) {
    say(`Select one of your ${ROLE.claim} spans first, then press a.`, "info");
    return;
  }
  linkStart(state, span.key);
  say(`Now click the ${ROLE.source} and the ${ROLE.cue} (another ${ROLE.claim} adds a fragment). Enter saves.`, "info");
  renderLinkBar();
}

export function addToLink(key) {
  if (!linkAdd(state, key)) {
    say("Only your own spans can be linked: accept a suggestion first.", "info");
    return;
  }
  renderLinkBar();
  rerenderKeys(linkKeys(state));
}

export function cancelLink() {
  const keys = linkKeys(state);
  state.link = null;
  rerenderKeys(keys);
  renderLinkBar();
  say("");
}

export async function saveLink() {
  if (!state.link) return;
  const body = linkBody(state);
  if (!body) {
    say("Wait until the new spans are saved, then press Enter again.", "warning");
    return;
  }
  const created = await act("link attribution", () => api.post(`/documents/${config.document_id}/attributions/`, body));
  state.attributions.set(String(created.id), created);
  state.listsStale = true;
  cancelLink();
  state.undo.push({ describe: "link attribution", undo: () => deleteAttribution(created, { undoable: false }) });
  renderPanels();
  say("Attribution saved.", "success");
}

export async function deleteAttribution(a, { undoable = true } = {}) {
  if (!editable()) return;
  const current = state.attributions.get(String(a.id)) || a;
  await act("delete attribution", () => api.delete(`/attributions/${current.id}/`, current.version));
  state.attributions.delete(String(current.id));
  state.listsStale = true;
  renderPanels();
  if (undoable) {
    state.undo.push({ describe: "delete attribution", undo: async () => {
      const again = await act("restore attribution", async () => {
        try {
          return await api.post(`/attributions/${current.id}/restore/`, {});
        } catch (error) {
          if (alreadyBack(error)) return null;
          throw error;
        }
      });
      if (!again) return reload({ keepMessage: true });
      state.attributions.set(String(again.id), again);
      state.listsStale = true;
      renderPanels();
    } });
    say("Deleted the attribution.", "info", [["Undo (Ctrl+Z)", undo]]);
  }
}

export async function setAttribute(a, name, value) {
  if (!editable()) return;
  const current = state.attributions.get(String(a.id)) || a;
  const attributes = { ...current.attributes, [name]: value };
  const saved = await act(`set ${name}`, () => api.patch(`/attributions/${current.id}/`, { attributes }, current.version));
  state.attributions.set(String(saved.id), saved);
  state.listsStale = true;
  renderPanels();
}

export function showAttribution(a) {
  state.focus = a.id; // the p key nests this one
  const keys = [...a.claims, a.source, a.cue].filter(Boolean).map(String);
  const previous = [...state.flash];
  state.flash = new Set(keys);
  rerenderKeys([...previous, ...keys]);
  const first = state.spans.get(String(a.claims[0]));
  if (first) scrollToSpan(first);
}

// Second-hand claims: p gives the attribution (the one clicked in the list, or the selected
// span's) the innermost of my attributions whose claim holds it as parent; p again the next
// one out, and after the outermost none. P (Shift+p) clears it.
export async function nestAttribution({ clearIt = false } = {}) {
  if (!editable()) return;
  const a = targetAttribution(state);
  if (!a) {
    say("Select a span of one of your attributions (or click it in the list), then press p.", "info");
    return;
  }
  const parent = clearIt ? null : nextParent(state, a);
  if (!clearIt && !parent && (a.parent === null || a.parent === undefined)) {
    say("No attribution of yours has a claim that holds this one: link the outer one first.", "info");
    return;
  }
  const before = a.parent ?? null;
  if ((parent ? parent.id : null) === before) return;
  const saved = await act("set the parent", () => api.patch(`/attributions/${a.id}/`,
    { parent: parent ? parent.id : null }, a.version));
  state.attributions.set(String(saved.id), saved);
  state.focus = saved.id;
  state.listsStale = true;
  renderPanels();
  state.undo.push({ describe: "set the parent", undo: async () => {
    const now = state.attributions.get(String(saved.id));
    const back = await act("set the parent back", () => api.patch(`/attributions/${saved.id}/`,
      { parent: before }, now.version));
    state.attributions.set(String(back.id), back);
    state.listsStale = true;
    renderPanels();
  } });
  say(parent ? `Second-hand: ${chainText(saved)}.` : "First-hand: it has no parent now.", "success");
}

// "X → Y → “claim”": the sources of the chain, outermost first, then the claim.
export function chainText(a) {
  const links = chain(state.attributions, a);
  const sources = links.map((link) => (link.source ? spanQuote(state, link.source, 30) : "(no source)"));
  return `${sources.join(" → ")} → “${spanQuote(state, a.claims[0], 40)}”`;
}
