// How far V8 lets the heap grow past what survived its last full collection (HEAP_GROWTH_PERCENT).
// Left to itself it grows the old generation to several times that size before collecting again:
// with 30,000 Locations stored (~108 MB live), the bench's PATCH and authorize load took the heap
// to ~280 MB and RSS to 375-422 MB, most of it garbage (old versions of patched Locations). At
// 100% RSS peaked at 349-354 MB, at 50% at 309-312 MB; but a store that grows (a first sync of
// Locations, a stream of CDRs) then meets a full collection every time it doubles or so, and
// their pauses (up to 32 ms) took the p99 of location PUT and CDR POST from 12-23 ms to 26-47
// ms (bench/README.md, "Memory under load"). So V8's own choice stays the default; a memory-bound
// container can trade latency for memory.
import { setFlagsFromString } from 'node:v8';

/**
 * Process-wide, so the CLI's choice, not the library's: a test or an app that embeds the
 * simulator keeps its own heap settings. V8 reads the flag whenever it sets the next
 * collection's limit, so it applies from the next full collection. 0 leaves V8's own growth.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
