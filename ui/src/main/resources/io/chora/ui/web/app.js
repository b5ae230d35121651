// The conflict page: polls the replica's status and reloads the conflicts when they change.
import { api, pollMillis } from './api.js';
import { initConflicts, loadConflicts } from './conflicts.js';
import { $ } from './dom.js';
import { renderStatus, renderTimeline } from './overview.js';

let lastStatus = null;
let signature = null; // open count and newest id from the last status: a change means reload

async function refresh() {
  const status = await api('api/status');
  lastStatus = status;
  renderStatus(status);
  const now = `${status.openConflicts}:${status.latestConflictId}`;
  if (now !== signature) {
    signature = now;
    await loadConflicts();
  }
}

async function poll() {
  try {
    await refresh();
    setLive(true);
  } catch (e) {
    setLive(false, e.message);
  }
  setTimeout(poll, pollMillis); // after the answer, so slow answers never pile up
}

function setLive(ok, message) {
  const live = $('live');
  live.classList.toggle('ok', ok);
  live.classList.toggle('down', !ok);
  $('live-text').textContent = ok ? 'live' : 'offline, retrying…';
  live.title = ok ? `Checked at ${new Date().toLocaleTimeString()}` : message || '';
}

initConflicts(async () => {
  try {
    await refresh();
    await loadConflicts(); // also when the counts did not change, e.g. a refused restore
  } catch (e) {
    setLive(false, e.message);
  }
});

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => lastStatus && renderTimeline(lastStatus), 150);
});

poll();
