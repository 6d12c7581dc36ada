// Counts rows per island in the CSV of the input folder and writes counts.json.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [input, out] = process.argv.slice(2);
const lines = readFileSync(join(input, 'data.csv'), 'utf8').trim().split('\n').slice(1);
const counts = {};
for (const line of lines) {
  const island = line.split(',')[0];
  counts[island] = (counts[island] ?? 0) + 1;
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'counts.json'), JSON.stringify(counts, null, 2));
for (const [island, n] of Object.entries(counts)) console.log(`${island}: ${n}`);
