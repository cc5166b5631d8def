// The README's testkit example is the file test/testkit-example.test.ts, byte for byte.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

it('README shows test/testkit-example.test.ts exactly', () => {
  const root = resolve(import.meta.dirname, '..');
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const block = /<!-- testkit-example -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README.md has a ```ts block after <!-- testkit-example -->').toBeDefined();
  expect(block).toBe(readFileSync(resolve(root, 'test/testkit-example.test.ts'), 'utf8'));
});
