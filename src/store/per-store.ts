// Derived indexes and counters live beside a store, one per store instance (tests run several
// simulators in one process), and go with it.

/** A getter of the one `T` kept for each store (made by `create` on first use). */
export function perStore<S extends object, T>(create: () => T): (store: S) => T {
  const all = new WeakMap<S, T>();
  return (store) => {
    let value = all.get(store);
    if (value === undefined) {
      value = create();
      all.set(store, value);
    }
    return value;
  };
}
