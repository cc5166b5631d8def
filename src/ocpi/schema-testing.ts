// Helpers for the schema unit tests (not shipped behaviour): load the spec's examples from
// ../shared beside the repository, and copy an object with one field removed or changed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export type Path = (string | number)[];

export const EXAMPLES_DIR = process.env.OCPI_EXAMPLES_DIR ?? path.resolve(import.meta.dirname, '../../../shared/ocpi-examples');
export const exampleFile = (name: string) => path.join(EXAMPLES_DIR, name);
export const example = (name: string): any => JSON.parse(readFileSync(exampleFile(name), 'utf8'));

function at(obj: any, p: Path): { parent: any; key: string | number } {
  let parent = obj;
  for (const k of p.slice(0, -1)) parent = parent[k];
  return { parent, key: p[p.length - 1] as string | number };
}

export function without(obj: unknown, p: Path): unknown {
  const copy = structuredClone(obj);
  const { parent, key } = at(copy, p);
  delete parent[key];
  return copy;
}

export function withValue(obj: unknown, p: Path, value: unknown): unknown {
  const copy = structuredClone(obj);
  const { parent, key } = at(copy, p);
  parent[key] = value;
  return copy;
}

export function issuePaths(schema: z.ZodType, input: unknown): Path[] {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path as Path);
}

/** Messages of the issues at exactly `p`, joined. */
export function issuesAt(schema: z.ZodType, input: unknown, p: Path): string {
  const r = schema.safeParse(input);
  const found = r.success ? [] : r.error.issues.filter((i) => JSON.stringify(i.path) === JSON.stringify(p));
  return found.map((i) => i.message).join('; ');
}
