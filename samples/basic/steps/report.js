// Turns counts.json into a short Markdown report.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [input, out] = process.argv.slice(2);
const counts = JSON.parse(readFileSync(join(input, 'counts.json'), 'utf8'));
const total = Object.values(counts).reduce((a, b) => a + b, 0);
const lines = ['# Rows per island', '', ...Object.entries(counts).map(([k, v]) => `- ${k}: ${v} (${((100 * v) / total).toFixed(0)} %)`)];
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'report.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
