// The replica at a glance: counts, each peer's clock as bars, and a timeline of recent syncs.
import { $, clear, el, svg } from './dom.js';
import { ago, clockTime, plural, shorten } from './format.js';

export function renderStatus(s) {
  $('site').textContent = s.site;
  document.title = `${s.openConflicts ? `(${s.openConflicts}) ` : ''}chora · ${s.site} · conflicts`;

  const open = $('stat-open');
  open.textContent = s.openConflicts;
  open.classList.toggle('alert', s.openConflicts > 0);
  $('stat-open-note').textContent = s.openConflicts ? 'waiting for a decision' : 'every merge agreed';

  const writers = Object.keys(s.clock);
  $('stat-held').textContent = writers.reduce((sum, site) => sum + s.clock[site], 0);
  $('stat-held-note').textContent = `written at ${plural(writers.length, 'site')}`;

  $('stat-peers').textContent = s.peers.length;
  const pending = s.peers.reduce((sum, p) => sum + p.pending, 0);
  $('stat-peers-note').textContent = s.syncs.length
    ? `last sync ${ago(s.syncs[0].at, s.serverTime)}${pending ? ` · ${pending} pending` : ''}`
    : 'never synced';

  renderHeldBack(s);
  renderClocks(s);
  renderTimeline(s);
  renderSyncList(s);
}

function renderHeldBack(s) {
  const held = s.heldBack || [];
  $('held-back').hidden = held.length === 0;
  $('held-back-total').textContent = held.length ? held.length : '';
  const list = $('held-back-list');
  clear(list);
  held.forEach((h) => list.appendChild(el('li', {},
    el('strong', {}, `${h.origin} ${h.first}..${h.last}`), ' ',
    h.waitsFor ? `waits for ${h.waitsFor}` : h.reason,
    el('span', { class: 'hint' }, ` · first held ${ago(h.since, s.serverTime)},`
      + ` tried ${plural(h.attempts, 'time')}`))));
}

function renderClocks(s) {
  const box = $('clocks');
  clear(box);
  if (s.peers.length === 0) {
    box.appendChild(el('p', { class: 'empty-small' },
      'No peers yet. After the first sync, each peer\'s clock shows here next to this replica\'s.'));
    box.appendChild(peerClock(s, { site: s.site, clock: s.clock, pending: 0, self: true }));
    return;
  }
  s.peers.forEach((peer) => box.appendChild(peerClock(s, peer)));
}

/** One peer: a bar per writing site, solid up to what the peer had, amber for what it lacks. */
function peerClock(s, peer) {
  const sites = [...new Set([...Object.keys(s.clock), ...Object.keys(peer.clock)])]
    .sort((a, b) => (a === s.site ? -1 : b === s.site ? 1 : a.localeCompare(b)));
  const max = Math.max(1, ...sites.map((site) => Math.max(s.clock[site] || 0, peer.clock[site] || 0)));
  const summary = peer.self
    ? 'this replica'
    : [peer.pending ? `lacks ${plural(peer.pending, 'transaction')}` : 'up to date',
      peer.lastSync ? `synced ${ago(peer.lastSync, s.serverTime)}` : null].filter(Boolean).join(' · ');
  return el('div', { class: 'peer', 'data-peer': peer.site },
    el('div', { class: 'peer-head' },
      el('span', { class: 'peer-name' }, peer.site),
      el('span', { class: `peer-pending${peer.pending ? ' behind' : ''}` }, summary)),
    sites.map((site) => clockRow(site, s.clock[site] || 0, peer.clock[site] || 0, max, peer, s.site)));
}

function clockRow(site, mine, theirs, max, peer, self) {
  const had = peer.self ? mine : theirs;
  const lacks = peer.self ? 0 : Math.max(0, mine - theirs);
  const title = peer.self
    ? `${self} holds ${had} transactions from ${site}`
    : `${peer.site} had ${theirs} of ${site}'s transactions; ${self} holds ${mine}`;
  const bar = svg('svg', { class: 'clock-bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': title },
    svg('title', {}, title),
    svg('rect', { class: 'track', x: 0, y: 0, width: 100, height: 10 }),
    svg('rect', { class: 'have', x: 0, y: 0, width: (had / max) * 100, height: 10 }),
    lacks ? svg('rect', { class: 'lacks', x: (theirs / max) * 100, y: 0, width: (lacks / max) * 100, height: 10 }) : null);
  return el('div', { class: 'clock-row' },
    el('span', { class: 'clock-site', title: site }, site === self ? `${site} (here)` : site),
    bar,
    el('span', { class: 'clock-num' }, peer.self ? String(mine) : `${theirs} / ${mine}`));
}

/** Syncs on a time axis ending now, one lane per peer; dot area grows with the changes moved. */
export function renderTimeline(s) {
  const box = $('timeline');
  clear(box);
  if (s.syncs.length === 0) {
    box.appendChild(el('p', { class: 'empty-small' }, 'No syncs yet.'));
    return;
  }
  const peers = [...new Set(s.syncs.map((e) => e.peer))];
  const width = Math.max(260, box.clientWidth || 520);
  const labelWidth = 84;
  const laneHeight = 30;
  const top = 10;
  const height = top + peers.length * laneHeight + 22;
  // from a little before the oldest sync to now, so recent history uses the whole width
  const now = Date.parse(s.serverTime);
  const oldest = Math.min(now, ...s.syncs.map((e) => Date.parse(e.at)));
  const start = oldest - Math.max(1000, (now - oldest) * 0.05);
  const x = (t) => labelWidth + 12 + ((t - start) / (now - start)) * (width - labelWidth - 30);
  const y = (peer) => top + peers.indexOf(peer) * laneHeight + laneHeight / 2;

  box.appendChild(svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Timeline of recent syncs' },
    peers.map((peer) => [
      svg('line', { class: 'lane', x1: labelWidth, x2: width - 8, y1: y(peer), y2: y(peer) }),
      svg('text', { class: 'lane-label', x: 0, y: y(peer) + 4 }, shorten(peer, 11)),
    ]),
    svg('text', { class: 'axis-label', x: labelWidth, y: height - 4 }, clockTime(new Date(start).toISOString())),
    svg('text', { class: 'axis-label', x: width - 8, y: height - 4, 'text-anchor': 'end' }, 'now'),
    // oldest first, so the newest dots are drawn on top
    [...s.syncs].reverse().map((e) => syncDot(e, x(Date.parse(e.at)), y(e.peer)))));
}

function syncDot(e, cx, cy) {
  const moved = e.changesSent + e.changesReceived;
  const r = Math.min(12, 4 + Math.sqrt(moved) * 1.3);
  const title = `${clockTime(e.at)} with ${e.peer}: sent ${e.changesSent}, received ${e.changesReceived}`
    + (e.conflicts ? `, ${plural(e.conflicts, 'conflict')}` : '');
  return svg('g', {},
    svg('circle', { class: `sync${e.conflicts ? ' with-conflicts' : ''}`, cx, cy, r }, svg('title', {}, title)),
    e.conflicts && r >= 7 ? svg('text', { class: 'sync-count', x: cx, y: cy + 3.5 }, e.conflicts > 99 ? '99+' : e.conflicts) : null);
}

function renderSyncList(s) {
  const list = $('sync-list');
  clear(list);
  s.syncs.slice(0, 4).forEach((e) => list.appendChild(el('li', {},
    el('span', {}, ago(e.at, s.serverTime)),
    el('span', {}, '↔ ', el('span', { class: 'peer-name' }, e.peer)),
    el('span', { title: 'changes sent / received' }, `↑${e.changesSent} ↓${e.changesReceived}`),
    e.conflicts ? el('span', { class: 'conflicts-n' }, plural(e.conflicts, 'conflict')) : null)));
}
