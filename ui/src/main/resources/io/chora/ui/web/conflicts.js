// The conflict list: filters, pages, one card per conflict with restore and dismiss.
import { api, post } from './api.js';
import { $, clear, el } from './dom.js';
import { clockTime, keyText, plainValue } from './format.js';

const PAGE_SIZE = 20;

const view = {
  offset: 0,
  table: '',
  site: '',
  seenIds: null, // ids already shown, to highlight the ones that arrive while the page is open
};

let afterChange = async () => {};

/** Wires the filters and pager; {@code onChange} runs after a restore or dismiss. */
export function initConflicts(onChange) {
  afterChange = onChange;
  const refilter = () => {
    view.table = $('filter-table').value;
    view.site = $('filter-site').value;
    view.offset = 0;
    loadConflicts().catch((e) => toast(e.message, true));
  };
  const turnPage = (delta) => {
    view.offset = Math.max(0, view.offset + delta * PAGE_SIZE);
    loadConflicts().catch((e) => toast(e.message, true));
  };
  $('filter-table').addEventListener('change', refilter);
  $('filter-site').addEventListener('change', refilter);
  $('page-prev').addEventListener('click', () => turnPage(-1));
  $('page-next').addEventListener('click', () => turnPage(1));
}

export async function loadConflicts() {
  const params = new URLSearchParams({ offset: view.offset, limit: PAGE_SIZE });
  if (view.table) params.set('table', view.table);
  if (view.site) params.set('site', view.site);
  const page = await api(`api/conflicts?${params}`);
  if (page.conflicts.length === 0 && page.total > 0 && view.offset > 0) {
    // the last conflicts of this page were resolved: show the last page there is
    view.offset = Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE;
    return loadConflicts();
  }
  fillSelect($('filter-table'), 'All tables', page.tables, view.table);
  fillSelect($('filter-site'), 'All sites', page.sites, view.site);
  renderPage(page);
}

function fillSelect(select, allLabel, names, selected) {
  const wanted = names.includes(selected) || !selected ? names : [...names, selected];
  const current = [...select.options].map((o) => o.value);
  if (current.join('\n') === ['', ...wanted].join('\n')) return; // unchanged: keep focus
  clear(select);
  select.appendChild(new Option(allLabel, ''));
  wanted.forEach((name) => select.appendChild(new Option(name, name)));
  select.value = selected;
}

function renderPage(page) {
  const list = $('conflict-list');
  clear(list);
  const firstRender = view.seenIds === null;
  view.seenIds = view.seenIds || new Set();
  if (page.total === 0) {
    list.appendChild(emptyState(Boolean(view.table || view.site)));
  }
  page.conflicts.forEach((c) => {
    const card = conflictCard(c);
    if (!firstRender && !view.seenIds.has(c.id)) {
      card.classList.add('fresh');
      setTimeout(() => card.classList.remove('fresh'), 4000);
    }
    view.seenIds.add(c.id);
    list.appendChild(card);
  });
  $('conflict-total').textContent = page.total ? String(page.total) : '';
  $('pager').hidden = page.total <= page.limit && page.offset === 0;
  const last = Math.min(page.offset + page.conflicts.length, page.total);
  $('page-info').textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : '';
  $('page-prev').disabled = page.offset === 0;
  $('page-next').disabled = page.offset + page.limit >= page.total;
}

function emptyState(filtered) {
  return el('div', { class: 'empty', id: 'empty-state' },
    el('div', { class: 'empty-mark', 'aria-hidden': 'true' }, '✓'),
    el('div', { class: 'empty-title' },
      filtered ? 'No conflicts match these filters' : 'No conflicts — every merge so far agreed'),
    el('div', {}, filtered
      ? 'Choose all tables and sites to see every open conflict.'
      : 'When two replicas change the same value without seeing each other, it shows up here.'));
}

const KIND_LABELS = {
  cell: { kept: 'Kept', lost: 'Lost', restore: 'Restore lost value', dismiss: 'Keep winner & dismiss' },
  unique: { kept: 'Kept by another row', lost: 'Removed row had', restore: 'Restore row', dismiss: 'Dismiss' },
  foreign_key: { kept: 'Parent deleted', lost: 'Removed row pointed to', restore: 'Restore row', dismiss: 'Dismiss' },
};

function conflictCard(c) {
  const labels = KIND_LABELS[c.kind] || KIND_LABELS.cell;
  const cell = c.kind === 'cell';
  const badge = cell
    ? el('span', { class: 'badge', title: 'Neither write had seen the other when it was made' }, 'concurrent edits')
    : el('span', { class: 'badge row', title: 'The merge removed this row so the constraint holds' },
      `${c.column} · row removed`);
  const card = el('article', { class: 'conflict', 'data-id': c.id },
    el('div', { class: 'conflict-head' },
      el('span', { class: 'where' },
        c.table, ' ', el('span', { class: 'key', title: 'primary key' }, `row ${keyText(c.key)}`),
        cell ? [' · ', c.column] : null),
      badge,
      el('span', { class: 'conflict-id' }, `#${c.id}`)),
    el('div', { class: 'versus' },
      side('kept', labels.kept, c.kept, c.kind === 'foreign_key' ? 'the parent row is gone' : null),
      side('lost', labels.lost, c.lost)),
    c.lostRow ? lostRow(c.lostRow) : null);
  const restore = el('button', { type: 'button', class: 'primary restore' }, labels.restore);
  const dismiss = el('button', { type: 'button', class: 'dismiss' }, labels.dismiss);
  restore.addEventListener('click', () => resolve(c, 'restore', card));
  dismiss.addEventListener('click', () => resolve(c, 'dismiss', card));
  card.appendChild(el('div', { class: 'actions' }, restore, dismiss));
  return card;
}

/** One write of a conflict: its value (or a note standing in for it), who wrote it and when. */
function side(kind, label, write, note) {
  const who = write.site
    ? [el('span', { class: 'dot', title: 'site:transaction that wrote it' }, `${write.site}:${write.seq}`),
      write.at ? ` · ${clockTime(write.at)}` : '']
    : 'writer unknown';
  return el('div', { class: `side ${kind}` },
    el('div', { class: 'side-label' }, label),
    note ? el('div', { class: 'value empty' }, note) : valueNode(write.value),
    el('div', { class: 'side-meta', title: write.hlc ? `hybrid logical clock ${write.hlc}` : null }, who));
}

/** A value on its own, with NULL and empty text told apart from text. */
function valueNode(v) {
  if (v.type === 'null') return el('div', { class: 'value null' }, 'NULL');
  if (v.type === 'text' && v.value === '') return el('div', { class: 'value empty' }, '(empty text)');
  return el('div', { class: 'value', title: v.type }, plainValue(v));
}

function lostRow(columns) {
  return el('table', { class: 'lost-row' },
    el('caption', {}, 'The removed row'),
    el('tbody', {}, columns.map((col) => el('tr', {},
      el('th', { scope: 'row' }, col.column),
      el('td', {}, plainValue(col.value))))));
}

function describe(c) {
  const where = `${c.table} ${keyText(c.key)}`;
  return c.kind === 'cell' ? `${where}.${c.column}` : `the removed row ${where}`;
}

async function resolve(c, action, card) {
  card.classList.add('busy');
  card.querySelectorAll('button').forEach((b) => { b.disabled = true; });
  try {
    await post(`api/conflicts/${encodeURIComponent(c.id)}/${action}`);
    toast(action === 'restore'
      ? `Restored ${describe(c)}: a new local write, which reaches peers at the next sync.`
      : `Kept the winner for ${describe(c)}.`);
  } catch (e) {
    toast(e.message, true);
  }
  await afterChange();
}

let toastTimer = null;

function toast(message, isError) {
  const box = $('toast');
  box.textContent = message;
  box.classList.toggle('error', Boolean(isError));
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, isError ? 8000 : 4500);
}
