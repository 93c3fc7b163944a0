// Talking to the REST API: JSON, the CSRF token, versions, and retries.
//
// A network failure is retried with backoff; if it still fails, the caller
// gets a NetworkError and keeps the action (workspace.js shows it as not
// saved, with a Retry button). HTTP errors become ApiError with the body.
//
// A write that failed this way may still have reached the server: only its
// answer was lost. So every write carries an Idempotency-Key, fresh for each
// action and the same for all its retries, and the server answers a repeat
// with the first answer instead of writing twice (docs/api.md). A write that
// got no answer at all keeps its key: sent again as it was (the Retry
// button), it is the same action.

export class ApiError extends Error {
  constructor(status, body) {
    super(ApiError.describe(status, body));
    this.status = status;
    this.body = body;
  }

  static describe(status, body) {
    if (body && typeof body === "object") {
      if (body.detail) return String(body.detail);
      const parts = [];
      for (const [field, value] of Object.entries(body)) {
        const text = Array.isArray(value) ? value.join(" ") : typeof value === "object" ? JSON.stringify(value) : String(value);
        parts.push(field === "non_field_errors" ? text : `${field}: ${text}`);
      }
      if (parts.length) return parts.join("; ");
    }
    return `The server answered ${status}.`;
  }
}

export class NetworkError extends Error {}

const RETRY_DELAYS_MS = [300, 1000, 3000];

// 128 random bits in hex. crypto.getRandomValues, not randomUUID: the latter
// exists only in secure contexts, and a closed network may serve plain http.
export function newIdempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function createApi({ csrfToken, base = "/api", fetchImpl = globalThis.fetch.bind(globalThis),
  retryDelaysMs = RETRY_DELAYS_MS } = {}) {
  const unanswered = new Map(); // the request as sent → its key, while it got no answer

  async function request(method, path, { body, version } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    if (version !== undefined) headers["If-Match"] = `"${version}"`;
    const init = { method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) };
    const sent = `${method} ${path} ${version} ${init.body}`;
    if (method !== "GET") headers["Idempotency-Key"] = unanswered.get(sent) || newIdempotencyKey();
    let response;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await fetchImpl(base + path, init);
        // 502/503/504: a proxy or a restarting server; worth another try.
        if (![502, 503, 504].includes(response.status) || attempt >= retryDelaysMs.length) break;
      } catch (error) {
        if (attempt >= retryDelaysMs.length) {
          if (method !== "GET") unanswered.set(sent, headers["Idempotency-Key"]);
          throw new NetworkError(`Could not reach the server (${error.message}).`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[attempt]));
    }
    unanswered.delete(sent);
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }
  return {
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, { body }),
    patch: (path, body, version) => request("PATCH", path, { body, version }),
    put: (path, body, version) => request("PUT", path, { body, version }),
    delete: (path, version) => request("DELETE", path, { version }),
  };
}
