// Runs the benchmarks and writes their figures into docs/benchmarks.md, one section per bench file.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchResult } from './result';

const dir = __dirname;
const docPath = join(dir, '..', '..', 'docs', 'benchmarks.md');
const filters = process.argv.slice(2);

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

function section(name: string, title: string, results: BenchResult[]): string {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const rows = results.map((r) => {
    const ref = r.reference ? `${fmt(r.reference.value)} ${r.reference.unit} (${r.reference.name})` : '';
    const ok = r.ok === undefined ? '' : r.ok ? 'yes' : '**no**';
    return `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${ok} | ${ref} | ${r.note ?? ''} |`;
  });
  return [
    `<!-- bench:${name}:start -->`,
    `## ${title}`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine} by \`npm run bench -- ${name}\`.`,
    '',
    '| figure | value | target | met | reference (same run) | note |',
    '|---|---|---|---|---|---|',
    ...rows,
    `<!-- bench:${name}:end -->`,
  ].join('\n');
}

async function main(): Promise<void> {
  const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'));
  // A filter names a bench exactly (`data` is not `metadata`); a filter that names none matches by substring.
  const matches = (f: string, x: string) => basename(f, '.bench.ts') === x || (!all.some((g) => basename(g, '.bench.ts') === x) && f.includes(x));
  const files = all.filter((f) => filters.length === 0 || filters.some((x) => matches(f, x))).sort();
  let doc = existsSync(docPath)
    ? readFileSync(docPath, 'utf8')
    : '# Benchmarks\n\nFigures named by the issues, measured by `npm run bench` (test/bench/). Each section is rewritten when its bench runs.\n';
  let failures = 0;
  for (const file of files) {
    const name = basename(file, '.bench.ts');
    process.stdout.write(`\n== ${name}\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, file)) as { bench: () => Promise<BenchResult[]>; title?: string };
    let results: BenchResult[];
    try {
      results = await mod.bench();
    } catch (err) {
      failures++;
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      continue;
    }
    for (const r of results) process.stdout.write(`  ${r.name}: ${fmt(r.value)} ${r.unit}${r.target ? ` (target ${r.target}${r.ok === false ? ', NOT MET' : ''})` : ''}${r.reference ? ` vs ${r.reference.name} ${fmt(r.reference.value)} ${r.reference.unit}` : ''}\n`);
    const text = section(name, mod.title ?? name, results);
    const re = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*?<!-- bench:${name}:end -->`);
    doc = re.test(doc) ? doc.replace(re, text) : `${doc.trimEnd()}\n\n${text}\n`;
    writeFileSync(docPath, doc);
  }
  process.exitCode = failures ? 1 : 0;
}

main().then(() => process.exit(process.exitCode ?? 0));
