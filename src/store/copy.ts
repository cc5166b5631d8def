// Shallow copies of stored values (plain JSON data), for the edits that replace one (tree.ts: a
// status PATCH copies the record, the Location and one EVSE).
//
// `{ ...value, key }` builds its copy key by key: V8 gives it a few fields inside the object and
// the rest in a second array, and takes a slow path to fill them. With many Locations stored, each
// new version outlives the young generation (it stays until that Location's next PATCH), so the
// collector copies both parts twice (bench/README.md, "What grows with 30,000 stored"). A copy made
// by an object literal of the value's own keys is one object with every field inside, filled by
// compiled code: one such literal per key list, generated once and reused.
type Copier = (source: object) => object;

interface Shape {
  keys: readonly string[];
  copy: Copier;
}

const shapes: Shape[] = [];
/**
 * Key lists with a literal of their own; others are copied by spread. Locations have a few
 * (which optional fields a CPO sends), EVSEs and records fewer.
 */
export const MAX_SHAPES = 64;

/** The value's own keys are exactly `keys`, in that order (no allocation: `for...in`). */
function hasKeys(value: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in value) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

function literalOf(keys: readonly string[]): Copier {
  // Keys are written as JSON strings, which are JavaScript string literals: any key is safe.
  const fields = keys.map((k) => `${JSON.stringify(k)}: s[${JSON.stringify(k)}]`);
  return new Function('s', `return { ${fields.join(', ')} };`) as Copier;
}

/**
 * A fresh copy of `value` with the same keys in the same order (what `{ ...value }` gives for
 * JSON data), for the caller to set fields on before storing it.
 */
export function copyOf<T extends object>(value: T): T {
  for (const shape of shapes) if (hasKeys(value, shape.keys)) return shape.copy(value) as T;
  if (shapes.length >= MAX_SHAPES) return { ...value };
  const keys = Object.keys(value);
  // In a literal `"__proto__": v` sets the prototype instead of a key; a key list seen once
  // inherited keys (for...in would never match it again) is not cached either.
  if (keys.includes('__proto__') || !hasKeys(value, keys)) return { ...value };
  let copy: Copier;
  try {
    copy = literalOf(keys);
  } catch {
    // Code generation turned off (node --disallow-code-generation-from-strings): spreads only.
    return { ...value };
  }
  shapes.push({ keys, copy });
  return copy(value) as T;
}

/** `{ ...value, ...fields[0], ...fields[1] }`, as a compact copy of `value`. */
export function withFields<T extends object>(value: T, ...fields: Partial<T>[]): T {
  return Object.assign(copyOf(value), ...fields);
}
