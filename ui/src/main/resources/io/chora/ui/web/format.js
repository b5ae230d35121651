// How values, keys and times read on the page.

/** A typed SQLite value ({type, value}) as SQL would write it: text quoted, blobs as x'..'. */
export function sqlLiteral(v) {
  switch (v.type) {
    case 'null': return 'NULL';
    case 'text': return `'${v.value.replace(/'/g, "''")}'`;
    case 'blob': return `x'${shorten(v.value, 64)}'`;
    // 5.0 is a REAL, not the INTEGER 5
    case 'real': return Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value);
    default: return String(v.value);
  }
}

/** A value shown on its own: text as it is, everything else as SQL writes it. */
export function plainValue(v) {
  return v.type === 'text' ? v.value : sqlLiteral(v);
}

export function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A primary key: one value, or a tuple. */
export function keyText(key) {
  return key.length === 1 ? sqlLiteral(key[0]) : `(${key.map(sqlLiteral).join(', ')})`;
}

export function clockTime(iso) {
  return new Date(iso).toLocaleString([], {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** How long before the server's now; older than a day shows the date. */
export function ago(iso, nowIso) {
  const seconds = Math.round((Date.parse(nowIso) - Date.parse(iso)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return clockTime(iso);
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
