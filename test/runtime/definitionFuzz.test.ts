// Fuzzing the pipeline loader: thousands of random mutations of valid (and broken) files. Whatever the
// input, loading must not throw, must not hit its internal-error fallback, and every diagnostic must
// point inside the file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { formatDiagnostic, type SourcePosition } from '../../runtime/definition/ir';
import { loadPipelineText } from '../../runtime/definition/load';
import { mixedCatalog, standInCatalog } from '../fixtures/pipelines/standInComponents';
import { seededRandom } from '../../runtime/model/seededRandom';

const fixtures = join(__dirname, '..', 'fixtures', 'pipelines');
const MUTATIONS = 5000;

const TOKENS = [
  ':', '- ', '{', '}', '[', ']', ',', '"', "'", '\n', '\t', '  ', '#', '&a', '*a', '!!str ', '!!binary ', '? ', '|', '>',
  '---\n', '...\n', '%YAML 1.2\n', 'null', '~', 'true', '1e999', '-0', '0x1F', '.nan', 'type: Command', 'inputs: {x: a.b}',
  'outputs: {m: Model}', 'enabled: false', 'params: {command: [echo]}', 'components:', 'pipeline: x', '<<: *a', 'é', '\u0000',
  '\uFEFF', '\r\n', '😀', 'example_gen.examples', 'Trainer', '{{outputs.x}}', 'a.b.c', '../../etc/passwd', '**/*.csv',
];

function mutate(text: string, next: () => number): string {
  const pick = (n: number): number => Math.floor(next() * n);
  let out = text;
  const steps = 1 + pick(4);
  for (let s = 0; s < steps; s++) {
    const at = pick(out.length + 1);
    const len = 1 + pick(Math.min(40, out.length + 1));
    switch (pick(6)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + len);
        break;
      case 1: // duplicate a span
        out = out.slice(0, at) + out.slice(at, at + len) + out.slice(at);
        break;
      case 2: {
        // swap two characters
        const b = pick(out.length + 1);
        if (at < out.length && b < out.length) {
          const chars = [...out];
          [chars[at], chars[b]] = [chars[b], chars[at]];
          out = chars.join('');
        }
        break;
      }
      case 3: // insert a random token
        out = out.slice(0, at) + TOKENS[pick(TOKENS.length)] + out.slice(at);
        break;
      case 4: {
        // duplicate a whole line (duplicate keys, repeated components)
        const lines = out.split('\n');
        const i = pick(lines.length);
        lines.splice(i, 0, lines[i] ?? '');
        out = lines.join('\n');
        break;
      }
      default: // random printable noise
        out = out.slice(0, at) + String.fromCharCode(32 + pick(95)) + out.slice(at);
    }
  }
  return out;
}

function inside(pos: SourcePosition, lines: string[]): boolean {
  if (!Number.isInteger(pos.line) || !Number.isInteger(pos.column)) return false;
  if (pos.line < 1 || pos.line > lines.length || pos.column < 1) return false;
  return pos.column <= lines[pos.line - 1].length + 1;
}

it(`${MUTATIONS} random mutations of pipeline files: no crash, every diagnostic inside the file`, (t) => {
  const seeds = [
    ...readdirSync(join(fixtures, 'valid')).filter((f) => /\.pipeline\./.test(f)).map((f) => join(fixtures, 'valid', f)),
    ...readdirSync(join(fixtures, 'broken')).filter((f) => /\.pipeline\./.test(f)).map((f) => join(fixtures, 'broken', f)),
  ];
  const sources = seeds.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const catalogs = [standInCatalog, mixedCatalog()];
  const next = seededRandom(20261127);
  const started = Date.now();
  let withDiagnostics = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    // Valid files get most of the mutations: they reach the deepest checks.
    const source = next() < 0.7 ? sources[Math.floor(next() * 3) % sources.length] : sources[Math.floor(next() * sources.length)];
    const text = mutate(source.text, next);
    let result;
    try {
      result = loadPipelineText(source.file, text, { catalog: catalogs[i % 2] });
    } catch (err) {
      assert.fail(`mutation ${i} of ${source.file} threw ${String(err)}\n--- text ---\n${text}`);
    }
    const lines = text.split('\n');
    if (result.diagnostics.length) withDiagnostics++;
    for (const d of result.diagnostics) {
      assert.notEqual(d.code, 'internal-error', `mutation ${i} of ${source.file}: ${d.message}\n--- text ---\n${text}`);
      assert.ok(d.message.length > 0);
      assert.ok(d.hint && d.hint.length > 0, `mutation ${i}: ${d.code} has no hint: ${d.message}`);
      assert.ok(
        inside(d.range.start, lines) && inside(d.range.end, lines),
        `mutation ${i}: ${formatDiagnostic(d)} (end ${d.range.end.line}:${d.range.end.column}) lies outside the ${lines.length}-line file\n--- text ---\n${text}`,
      );
      const startsBeforeEnd = d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.column <= d.range.end.column);
      assert.ok(startsBeforeEnd, `mutation ${i}: range ends before it starts: ${JSON.stringify(d.range)}`);
      for (const fix of d.fixes ?? []) assert.ok(inside(fix.range.start, lines) && inside(fix.range.end, lines));
    }
  }
  // The mutations must actually break files, or the test proves nothing.
  assert.ok(withDiagnostics > MUTATIONS / 3, `only ${withDiagnostics} of ${MUTATIONS} mutations produced diagnostics`);
  // Reported, not asserted: npm test stays deterministic on a loaded machine (it took 74–95 s at load 30).
  t.diagnostic(`${MUTATIONS} mutations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
