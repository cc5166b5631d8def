// The paths at which one stored value differs from the value it replaces. Stored values are
// immutable and edits copy only the path they change (ocpi/locations/tree.ts), so an unchanged
// part is the very same object: the walk follows only what is new and stops at the first value
// that is not an object or array edited in place. A log then records a status PATCH of a 2 KB
// Location as a few short changes (store.ts `update`), and replaying them rebuilds the value
// exactly, key order included.
import type { PathChange } from './store.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Changes that turn `before` into `after`; undefined when `after` is not an edit of `before`. */
export function changesBetween(before: unknown, after: unknown): PathChange[] | undefined {
  if (!isRecord(before) || !isRecord(after)) return undefined;
  const out: PathChange[] = [];
  walk(before, after, [], out);
  return out;
}

function walk(before: unknown, after: unknown, path: (string | number)[], out: PathChange[]): void {
  if (before === after) return;
  if (isRecord(before) && isRecord(after) && keepsKeys(before, after)) {
    // The equality test before the call: most keys are unchanged, and a path costs an array.
    for (const key in after) if (before[key] !== after[key]) walk(before[key], after[key], [...path, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < after.length; i++) if (before[i] !== after[i]) walk(before[i], after[i], [...path, i], out);
    return;
  }
  out.push({ path, value: after });
}

/**
 * `after` has every key of `before`, in the same order, then its new ones: what setting keys one
 * by one (existing ones in place, new ones at the end) reproduces.
 */
function keepsKeys(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const a = Object.keys(before);
  const b = Object.keys(after);
  if (b.length < a.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
