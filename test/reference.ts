// Where Meta's reference vectors live: shared/reference beside the checkout
// (CI clones main with shared/ beside it), or DISRUPT_REFERENCE_DIR.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REFERENCE_DIR = process.env.DISRUPT_REFERENCE_DIR ?? resolve(REPO_ROOT, '../shared/reference');
export const PDQ_DIR = join(REFERENCE_DIR, 'pdq');
export const VPDQ_DIR = join(REFERENCE_DIR, 'vpdq');

if (!existsSync(PDQ_DIR)) throw new Error(`reference vectors not found at ${REFERENCE_DIR} (set DISRUPT_REFERENCE_DIR)`);

/** Rows of a TSV with a header line, as objects keyed by the header's names. */
export function readTsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [names[i]!, v])));
}

/** The row of `file` in a vector list keyed by its `file` column. */
export function vectorRow(tsv: string, file: string): Record<string, string> {
  const row = readTsv(join(PDQ_DIR, tsv)).find((r) => r.file === file);
  if (!row) throw new Error(`${file} not in ${tsv}`);
  return row;
}
