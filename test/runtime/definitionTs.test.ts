// TypeScript pipelines: the typed DSL (checked by the TypeScript compiler) and their evaluation in a
// child process, with positions mapped back to the .ts source.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { build, type BuildOptions } from 'esbuild';
import ts from 'typescript';
import { Command, CsvExampleGen, Resolver, StatisticsGen, channel, component, pipeline } from '../../runtime/definition/dsl';
import { pipelineJsonSchema } from '../../runtime/definition/jsonSchema';
import { formatDiagnostic, type PipelineDiagnostic } from '../../runtime/definition/ir';
import { loadPipelineFile, loadPipelineText } from '../../runtime/definition/load';
import { findDslModule } from '../../runtime/definition/loadTs';
import { mixedCatalog, standInCatalog } from '../fixtures/pipelines/standInComponents';

const fixtureDir = join(__dirname, '..', 'fixtures', 'pipelines', 'ts');
const dsl = join(__dirname, '..', '..', 'runtime', 'definition', 'dsl.ts');

// The fixtures are stored as `.pipeline.ts.txt` (see their README); they run from a temp copy.
const tsDir = mkdtempSync(join(tmpdir(), 'mlpipe-ts-fixtures-'));
cpSync(join(fixtureDir, 'data'), join(tsDir, 'data'), { recursive: true });
for (const name of readdirSync(fixtureDir).filter((f) => f.endsWith('.pipeline.ts.txt'))) {
  copyFileSync(join(fixtureDir, name), join(tsDir, name.replace(/\.txt$/, '')));
}
after(() => rmSync(tsDir, { recursive: true, force: true }));

/** Type errors per file name, from one program over the given files. */
function typeErrors(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    // Pipeline files run on Node, so Node's globals (console, process) are in scope.
    types: ['node'],
    typeRoots: [join(__dirname, '..', '..', 'node_modules', '@types')],
    skipLibCheck: true,
    // How a user's editor sees the DSL: `mlpipe` resolves to its typed source.
    paths: { mlpipe: [dsl] },
  });
  const byFile = new Map<string, string[]>(files.map((f) => [basename(f), []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const key = d.file ? basename(d.file.fileName) : '(global)';
    const list = byFile.get(key) ?? [];
    list.push(`${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    byFile.set(key, list);
  }
  return byFile;
}

function describeAll(ds: PipelineDiagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n') || '(no diagnostics)';
}

describe('the typed DSL', () => {
  it('type-checks a correct pipeline and refuses a Schema wired into an Examples input', () => {
    const errs = typeErrors(['penguin', 'commands', 'wrong-artifact'].map((n) => join(tsDir, `${n}.pipeline.ts`)));
    assert.deepEqual(errs.get('penguin.pipeline.ts'), []);
    assert.deepEqual(errs.get('commands.pipeline.ts'), []);
    const wrong = errs.get('wrong-artifact.pipeline.ts') ?? [];
    assert.equal(wrong.length, 1, wrong.join('\n'));
    assert.match(wrong[0], /^7: /);
    assert.match(wrong[0], /"Schema"' is not assignable to type '"Examples"'/);
    assert.equal(errs.get('(global)'), undefined);
  });

  it('serialises to the pipeline-file format, pulling in upstream components', () => {
    const gen = CsvExampleGen('example_gen', { params: { input: 'data/a.csv', splits: { train: 1 } } });
    const custom = component('FileExampleGen', 'file_gen', { params: { input: 'data/b.jsonl', format: 'jsonl' }, description: 'JSON lines' });
    const both = Command('merge', {
      inputs: { a: gen.outputs.examples, b: [channel(custom, 'examples', 'Examples')] },
      outputs: { merged: 'Examples' },
      params: { command: ['merge', '{{inputs.a}}', '{{outputs.merged}}'], env: undefined },
    });
    const stats = StatisticsGen('stats', { inputs: { examples: both.outputs.merged } });
    const latest = Resolver('latest', { params: { strategy: 'latest_artifact' }, outputs: { examples: 'Examples' } });
    const p = pipeline('dsl', [stats, latest], { description: 'd' });
    assert.deepEqual(JSON.parse(JSON.stringify(p)), {
      pipeline: 'dsl',
      description: 'd',
      components: {
        example_gen: { type: 'CsvExampleGen', inputs: {}, params: { input: 'data/a.csv', splits: { train: 1 } }, outputs: {}, enabled: true },
        file_gen: { type: 'FileExampleGen', inputs: {}, params: { input: 'data/b.jsonl', format: 'jsonl' }, outputs: {}, enabled: true, description: 'JSON lines' },
        merge: {
          type: 'Command',
          inputs: { a: 'example_gen.examples', b: ['file_gen.examples'] },
          params: { command: ['merge', '{{inputs.a}}', '{{outputs.merged}}'] },
          outputs: { merged: 'Examples' },
          enabled: true,
        },
        stats: { type: 'StatisticsGen', inputs: { examples: 'merge.merged' }, params: {}, outputs: {}, enabled: true },
        latest: { type: 'Resolver', inputs: {}, params: { strategy: 'latest_artifact' }, outputs: { examples: 'Examples' }, enabled: true },
      },
    });
    assert.equal(latest.outputs.model.artifactType, 'Model');
    assert.equal(latest.outputs.examples.artifactType, 'Examples');
  });

  it('builds the same components as the YAML version of the DESIGN pipeline', async () => {
    const fromTs = await loadPipelineFile(join(tsDir, 'penguin.pipeline.ts'), { trusted: true, catalog: standInCatalog });
    assert.deepEqual(fromTs.diagnostics, [], describeAll(fromTs.diagnostics));
    const yamlFile = join(__dirname, '..', 'fixtures', 'pipelines', 'valid', 'design.pipeline.yaml');
    const fromYaml = loadPipelineText(yamlFile, readFileSync(yamlFile, 'utf8'), { catalog: standInCatalog });
    const shape = (cs: NonNullable<typeof fromYaml.pipeline>['components']) =>
      cs.map((c) => ({ id: c.id, type: c.type, enabled: c.enabled, params: c.params, outputs: c.outputs, inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, refs]) => [k, refs.map((r) => `${r.component}.${r.output}`)])) }));
    assert.ok(fromTs.pipeline && fromYaml.pipeline);
    assert.equal(fromTs.pipeline.name, 'penguin');
    assert.equal(fromTs.pipeline.format, 'ts');
    assert.equal(fromTs.pipeline.description, 'Classify penguin species.');
    assert.deepEqual(shape(fromTs.pipeline.components), shape(fromYaml.pipeline.components));
    // Each component points at its id in the .ts source, e.g. Trainer('trainer', …) on line 28.
    const trainer = fromTs.pipeline.components.find((c) => c.id === 'trainer');
    assert.deepEqual(trainer?.idRange, { start: { line: 28, column: 25 }, end: { line: 28, column: 34 } });
    assert.equal(trainer?.paramRanges['epochs']?.start.line, 30);
  });
});

describe('evaluating .pipeline.ts files', () => {
  it('finds the DSL module in the source layout', () => {
    const found = findDslModule();
    assert.ok(found && existsSync(found), String(found));
  });

  it('works from the bundled layout, with dsl.js next to the runtime bundle (dist/runtime/)', async () => {
    const root = join(__dirname, '..', '..');
    const out = mkdtempSync(join(tmpdir(), 'mlpipe-dist-layout-'));
    try {
      const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', outdir: join(out, 'runtime'), absWorkingDir: root, logLevel: 'silent', external: ['esbuild'] };
      await build({ ...common, stdin: { contents: "export { loadPipelineFile } from './runtime/definition/load';\nexport { catalogFromSchema } from './runtime/definition/componentCatalog';", resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' }, outdir: undefined, outfile: join(out, 'runtime', 'cli.js'), external: ['esbuild', '../components/registry'] });
      await build({ ...common, entryPoints: { dsl: 'runtime/definition/dsl.ts' } });
      assert.ok(!existsSync(join(out, 'runtime', 'dsl.ts')));
      const schemaFile = join(out, 'schema.json');
      writeFileSync(schemaFile, JSON.stringify(pipelineJsonSchema(standInCatalog)));
      const script = [
        `const m = require(${JSON.stringify(join(out, 'runtime', 'cli.js'))});`,
        `const catalog = m.catalogFromSchema(JSON.parse(require('node:fs').readFileSync(${JSON.stringify(schemaFile)}, 'utf8')));`,
        `m.loadPipelineFile(${JSON.stringify(join(tsDir, 'commands.pipeline.ts'))}, { trusted: true, catalog }).then((r) => console.log(JSON.stringify(r)));`,
      ].join('\n');
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_PATH: join(root, 'node_modules') }, timeout: 60_000 });
      assert.equal(child.status, 0, child.stderr);
      const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { pipeline?: { components: Array<{ id: string }> }; diagnostics: PipelineDiagnostic[] };
      assert.deepEqual(result.diagnostics, []);
      assert.deepEqual(result.pipeline?.components.map((c) => c.id), ['fetch', 'stats']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('includes unlisted upstream components, keeps disabled ones, ignores console output', async () => {
    const r = await loadPipelineFile(join(tsDir, 'commands.pipeline.ts'), { trusted: true, catalog: standInCatalog });
    assert.deepEqual(r.diagnostics, [], describeAll(r.diagnostics));
    assert.deepEqual(r.pipeline?.components.map((c) => `${c.id}:${c.type}:${c.enabled}`), ['fetch:Command:true', 'stats:StatisticsGen:false']);
    assert.deepEqual(r.pipeline?.components[0]?.outputs, { raw: 'Examples' });
  });

  it('validation problems point into the TypeScript source', async () => {
    const r = await loadPipelineFile(join(tsDir, 'invalid.pipeline.ts'), { trusted: true, catalog: mixedCatalog() });
    const byCode = new Map(r.diagnostics.map((d) => [d.code, d]));
    assert.deepEqual(byCode.get('unknown-param')?.range.start, { line: 4, column: 41 }, describeAll(r.diagnostics));
    assert.match(byCode.get('unknown-param')?.message ?? '', /did you mean `splits`/);
    assert.deepEqual(byCode.get('unknown-component-type')?.range.start, { line: 6, column: 41 });
    assert.ok(r.diagnostics.every((d) => d.fixes === undefined), 'YAML quick fixes must not be offered on .ts sources');
  });

  it('a thrown error, a missing export and a syntax error are positioned diagnostics', async () => {
    const thrown = await loadPipelineFile(join(tsDir, 'throws.pipeline.ts'), { trusted: true, catalog: standInCatalog });
    assert.equal(thrown.pipeline, undefined);
    assert.equal(thrown.diagnostics[0]?.code, 'ts-evaluation-failed');
    assert.match(thrown.diagnostics[0]?.message ?? '', /no data folder configured/);
    assert.deepEqual(thrown.diagnostics[0]?.range.start, { line: 4, column: 9 });

    const noExport = await loadPipelineFile(join(tsDir, 'no-export.pipeline.ts'), { trusted: true, catalog: standInCatalog });
    assert.match(noExport.diagnostics[0]?.message ?? '', /export default pipeline/);

    const syntax = await loadPipelineFile(join(tsDir, 'syntax.pipeline.ts'), { trusted: true, catalog: standInCatalog });
    assert.equal(syntax.diagnostics[0]?.code, 'ts-compile');
    assert.deepEqual(syntax.diagnostics[0]?.range.start, { line: 3, column: 36 });
  });

  it('repeated ids are reported as duplicates, like in YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-ts-dup-'));
    try {
      const file = join(dir, 'dup.pipeline.ts');
      writeFileSync(
        file,
        [
          "import { Command, pipeline } from 'mlpipe';",
          "const a = Command('step', { params: { command: ['echo', 'a'] } });",
          "const b = Command('step', { params: { command: ['echo', 'b'] } });",
          "export default pipeline('dup', [a, b]);",
        ].join('\n'),
      );
      const r = await loadPipelineFile(file, { trusted: true, catalog: standInCatalog });
      assert.ok(r.diagnostics.some((d) => d.code === 'duplicate-component-id'), describeAll(r.diagnostics));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a pipeline file that never finishes is stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-ts-hang-'));
    try {
      const file = join(dir, 'hang.pipeline.ts');
      writeFileSync(file, 'while (true) {}\nexport default 1;\n');
      const started = Date.now();
      const r = await loadPipelineFile(file, { trusted: true, catalog: standInCatalog, tsTimeoutMs: 1500 });
      assert.equal(r.diagnostics[0]?.code, 'ts-timeout');
      assert.ok(Date.now() - started < 10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
