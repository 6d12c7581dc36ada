// Converts the Palmer penguins table shipped in the vega-datasets npm package (penguins.json) into the
// CSV the sample pipeline ingests. Run once from the repository root: `node samples/penguin/convert.mjs`.
// The CSV is committed, so running the sample never depends on node_modules holding vega-datasets.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// The package's `exports` only exposes build/index.js, so locate the package folder from it.
const source = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'penguins.json');
const records = JSON.parse(readFileSync(source, 'utf8'));
if (!Array.isArray(records) || records.length === 0) throw new Error(`${source}: expected a non-empty JSON array`);

const columns = Object.keys(records[0]);

// RFC 4180 quoting: quote only when needed; a missing value (null) stays an empty field so ExampleGen reads NULL.
function field(value) {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const lines = [columns.map(field).join(',')];
for (const record of records) lines.push(columns.map((c) => field(record[c])).join(','));
const target = join(here, 'data', 'penguins.csv');
writeFileSync(target, lines.join('\n') + '\n');
console.log(`wrote ${records.length} rows, ${columns.length} columns to ${target}`);
