// The review page's data: loading every layer of the document, merging them
// into items (review-merge.js), applying the server's answers, and running a
// call for a user action (one at a time; a conflict explains and reloads).

import { ApiError } from "./api.js";
import { blocks as makeBlocks } from "./layout.js";
import { buildOffsetIndex, toUtf16 } from "./offsets.js";
import { api, config, REVIEWED, say, state } from "./review-context.js";
import { mergeLayers, nextUndecided } from "./review-merge.js";
import { renderAll } from "./review-render.js";

export async function act(describe, run) {
  if (state.busy) return null;
  state.busy = true;
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      say(`${describe}: ${error.message} The page now shows the current state.`, "warning");
      await reload();
    } else {
      say(`${describe}: ${error.message}`, "error");
    }
    return null;
  } finally {
    state.busy = false;
  }
}

function merge() {
  const keep = state.items[state.current]?.key;
  const merged = mergeLayers({ spans: state.spans, attributions: state.attributions, participants: state.participants });
  state.items = merged.items;
  state.byKey = merged.byKey;
  for (const item of state.items) {
    if (item.kind === "span") {
      item.s16 = toUtf16(state.index, item.start);
      item.e16 = toUtf16(state.index, item.end);
    }
  }
  const again = state.items.findIndex((i) => i.key === keep);
  state.current = again !== -1 ? again : state.items.length ? Math.max(0, nextUndecided(state.items, -1)) : -1;
}

export async function load() {
  const [detail, statuses] = await Promise.all([
    api.get(`/documents/${config.document_id}/?layer=all`),
    api.get(`/documents/${config.document_id}/statuses/`),
  ]);
  if (detail.text !== state.text) {
    state.text = detail.text;
    state.index = buildOffsetIndex(detail.text);
    state.blocks = makeBlocks(detail.text);
  }
  state.spans = detail.spans;
  state.attributions = detail.attributions;
  await loadEntityNames(detail.spans);
  state.statuses = statuses;
  state.participants = statuses.filter((s) => REVIEWED.includes(s.status)).map((s) => s.annotator);
  merge();
}

// The names of the source entities the spans mention, so that the reviewer sees what a
// SOURCE is linked to before approving it (one request; the labels load without them).
async function loadEntityNames(spans) {
  const ids = [...new Set(spans.map((s) => s.entity).filter((id) => id && !state.entityNames.has(id)))];
  if (!ids.length) return;
  try {
    const page = await api.get(`/projects/${config.project_id}/entities/?ids=${ids.slice(0, 500).join(",")}&page_size=500`);
    for (const entity of page.results) state.entityNames.set(entity.id, entity);
  } catch { /* the item panel says "entity N" instead of its name */ }
}

export async function reload() {
  try {
    await load();
  } catch (error) {
    say(`Could not reload the document: ${error.message}`, "error");
    return;
  }
  renderAll();
}

// The server's answer to a decision: the new state of every row it touched.
export function applyDecisions(reviews) {
  const states = { approve: "approved", reject: "rejected" };
  const spans = new Map(state.spans.map((s) => [s.id, s]));
  const attributions = new Map(state.attributions.map((a) => [a.id, a]));
  for (const r of reviews) {
    const row = r.span ? spans.get(r.span) : attributions.get(r.attribution);
    if (row && states[r.decision]) row.review_state = states[r.decision];
  }
  merge();
}
