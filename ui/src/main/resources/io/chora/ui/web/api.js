// Calls to the page's JSON API, by URLs relative to the page so it works under any prefix.

const csrfToken = metaContent('chora-csrf');

export const pollMillis = Math.max(100, Number(metaContent('chora-poll-ms')) || 2000);

function metaContent(name) {
  const meta = document.querySelector(`meta[name="${name}"]`);
  return meta ? meta.getAttribute('content') : '';
}

/** GETs (or sends) and returns the JSON answer; a refusal throws with the server's message. */
export async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...options,
    headers: { Accept: 'application/json', ...(options.headers || {}) },
  });
  let body = null;
  try {
    body = await response.json();
  } catch (notJson) {
    // reported below with the status
  }
  if (!response.ok) {
    throw new Error(body && body.message ? body.message : `HTTP ${response.status}`);
  }
  return body;
}

/** A change: POST with the page's CSRF token, which the server requires. */
export function post(path) {
  return api(path, { method: 'POST', headers: { 'X-Chora-CSRF': csrfToken } });
}
