// How far V8 lets the heap grow past what survived its last full collection. Left to itself it
// grows the old generation to several times that size before collecting again: with 30,000
// Locations stored (83 MB live), a PATCH and authorize load took the heap to 280 MB and RSS past
// 400 MB, most of it garbage (old versions of patched Locations, evicted records). A fixed
// growth collects sooner: RSS then peaked at 310-335 MB in the same load, for two or three
// full collections (~60 ms each) per 8 s of load (bench/README.md, "Memory under load").
import { setFlagsFromString } from 'node:v8';

/**
 * Process-wide, so the CLI's choice (HEAP_GROWTH_PERCENT), not the library's: a test or an app
 * that embeds the simulator keeps its own heap settings. V8 reads the flag whenever it sets the
 * next collection's limit, so it applies from the next full collection. 0 leaves V8's own.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
