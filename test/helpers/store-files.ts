// The files of a file store (DB_FILE and its logs DB_FILE.log.<n>), for tests that check what a
// restart would rebuild from them while the simulator keeps running.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const logsOf = (dbFile: string) => readdirSync(dirname(dbFile)).filter((n) => n.startsWith(`${basename(dbFile)}.log.`));

/** The snapshot and the logs copied to a fresh directory, as a crash would leave them: the copy's DB_FILE. */
export function copyStoreFiles(dbFile: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'emp-sim-store-copy-')), basename(dbFile));
  for (const name of logsOf(dbFile)) copyFileSync(join(dirname(dbFile), name), join(dirname(copy), name));
  if (existsSync(dbFile)) copyFileSync(dbFile, copy);
  return copy;
}

/** The text of every log generation, oldest first. */
export function logText(dbFile: string): string {
  return logsOf(dbFile)
    .sort((a, b) => Number(a.slice(a.lastIndexOf('.') + 1)) - Number(b.slice(b.lastIndexOf('.') + 1)))
    .map((n) => readFileSync(join(dirname(dbFile), n), 'utf8'))
    .join('');
}
