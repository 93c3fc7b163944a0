// The source entities page's pure core (no DOM): what the edit form sends, what a merge
// asks before it is done, and what an error of the entity endpoints tells the user.
// entities.js is the thin DOM shell around it.

// The aliases box: one name a line; blank lines and repeats (in any case) left out.
export function aliasesFrom(text) {
  const seen = new Set();
  const names = [];
  for (const line of String(text).split(/\r?\n/)) {
    const name = line.trim();
    if (name && !seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      names.push(name);
    }
  }
  return names;
}

// What a PATCH sends: only the fields that changed (null when nothing did).
export function entityChanges(entity, form) {
  const changes = {};
  const name = String(form.name).trim();
  if (name !== entity.name) changes.name = name;
  if (form.type !== entity.type) changes.type = form.type;
  const aliases = aliasesFrom(form.aliases);
  if (aliases.join("\n") !== entity.aliases.join("\n")) changes.aliases = aliases;
  return Object.keys(changes).length ? changes : null;
}

function mentions(n) {
  return n === 1 ? "1 mention" : `${n} mentions`;
}

// The confirmation of a merge, naming both entities: `entity` goes into `into`.
export function mergeQuestion(entity, into) {
  return `Merge “${entity.name}” into “${into.name}”? Its ${mentions(entity.mentions)} ` +
    `move to “${into.name}” (each keeps its history), “${entity.name}” and its aliases ` +
    `become aliases of “${into.name}”, and “${entity.name}” is deleted. This cannot be undone here.`;
}

// The picker's choices: the other entities of a search answer, never the entity itself.
export function mergeChoices(results, entity) {
  return results.filter((other) => other.id !== entity.id);
}

// An error of the entity endpoints, as the message line says it. 409: someone changed
// or merged the entity since the page read it; 404: it is gone (merged, deleted).
export function entityError(error, what) {
  if (error && error.status === 409) {
    return `Someone changed “${what}” since you opened it: reload it to see it as it is now, then make your change again. (${error.message})`;
  }
  if (error && error.status === 404) {
    return `“${what}” no longer exists (merged into another entity or deleted): reload the list.`;
  }
  if (error && error.status === 403) return `You may not change entities: ${error.message}`;
  return `Could not save “${what}”: ${error ? error.message : "unknown error"}`;
}
