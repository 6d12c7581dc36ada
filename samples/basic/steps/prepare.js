// Writes a small CSV file into the output folder given as the first argument.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const rows = ['island,body_mass_g'];
const islands = ['Biscoe', 'Dream', 'Torgersen'];
for (let i = 0; i < 30; i++) rows.push(`${islands[i % 3]},${3000 + ((i * 137) % 2500)}`);
writeFileSync(join(out, 'data.csv'), rows.join('\n') + '\n');
console.log(`wrote ${rows.length - 1} rows to ${join(out, 'data.csv')}`);
