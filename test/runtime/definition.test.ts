// Pipeline definitions: parsing with ranges, validation (the broken-file corpus), DAG helpers, the
// JSON Schema and hover docs, and the file loader.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { downstreamOf, findCycles, skippedComponents, topologicalOrder, upstreamOf } from '../../runtime/definition/graph';
import { formatDiagnostic, type PipelineDiagnostic, type PipelineIR } from '../../runtime/definition/ir';
import { build } from 'esbuild';
import { catalogFromSchema } from '../../runtime/definition/componentCatalog';
import { componentHover, pipelineJsonSchema } from '../../runtime/definition/jsonSchema';
import { checkPipelineText } from '../../runtime/definition/pipelineText';
import { loadPipelineFile, loadPipelineText } from '../../runtime/definition/load';
import { checkPath, globToRegExp } from '../../runtime/definition/pathChecks';
import { didYouMean, levenshtein } from '../../runtime/definition/suggestions';
import { mixedCatalog, realRegistry, standInCatalog } from '../fixtures/pipelines/standInComponents';

const fixtures = join(__dirname, '..', 'fixtures', 'pipelines');
const brokenDir = join(fixtures, 'broken');
const validDir = join(fixtures, 'valid');

interface Expected {
  code: string;
  line: number;
  column: number;
  message: string;
  fix?: string;
}

function load(file: string, catalog = standInCatalog) {
  return loadPipelineText(file, readFileSync(file, 'utf8'), { catalog });
}

function errors(ds: PipelineDiagnostic[]): PipelineDiagnostic[] {
  return ds.filter((d) => d.severity === 'error');
}

function describeAll(ds: PipelineDiagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n') || '(no diagnostics)';
}

const brokenFiles = readdirSync(brokenDir).filter((f) => /\.pipeline\.(yaml|yml|json)$/.test(f));

describe('broken pipeline corpus', () => {
  it('has one file per validation error, each with its expectations', () => {
    assert.ok(brokenFiles.length >= 25, `only ${brokenFiles.length} broken files`);
    const codes = new Set(brokenFiles.map((f) => (JSON.parse(readFileSync(join(brokenDir, f.replace(/\.pipeline\.\w+$/, '.expect.json')), 'utf8')) as { diagnostics: Expected[] }).diagnostics[0]?.code));
    for (const code of [
      'yaml-syntax',
      'duplicate-component-id',
      'invalid-pipeline-name',
      'unknown-component-type',
      'unknown-param',
      'param-type',
      'param-enum',
      'missing-param',
      'unknown-input',
      'missing-input',
      'unknown-component-reference',
      'unknown-output-reference',
      'artifact-type-mismatch',
      'cycle',
      'path-not-found',
      'component-check',
    ]) {
      assert.ok(codes.has(code), `no broken file exercises ${code}`);
    }
  });

  for (const file of brokenFiles) {
    const expected = (JSON.parse(readFileSync(join(brokenDir, file.replace(/\.pipeline\.\w+$/, '.expect.json')), 'utf8')) as { diagnostics: Expected[] }).diagnostics;

    it(`${file}: reports exactly the expected problems at the right line and column`, () => {
      const result = load(join(brokenDir, file));
      const got = errors(result.diagnostics);
      for (const exp of expected) {
        const match = got.find((d) => d.code === exp.code && d.range.start.line === exp.line && d.range.start.column === exp.column);
        assert.ok(match, `expected ${exp.code} at ${exp.line}:${exp.column}, got:\n${describeAll(got)}`);
        assert.ok(match.message.includes(exp.message), `message "${match.message}" should contain "${exp.message}"`);
        assert.ok(match.hint && match.hint.length > 0, `${exp.code} has no hint`);
        if (exp.fix !== undefined) assert.equal(match.fixes?.[0]?.replacement, exp.fix);
        assert.match(formatDiagnostic(match), new RegExp(`${file.replace(/\./g, '\\.')}:${exp.line}:${exp.column}: error: `));
      }
      assert.deepEqual(
        got.map((d) => d.code).sort(),
        expected.map((e) => e.code).sort(),
        `unexpected extra problems:\n${describeAll(got)}`,
      );
    });

    it(`${file}: still reports them with the real registry's specs where registered`, () => {
      const result = load(join(brokenDir, file), mixedCatalog());
      for (const exp of expected) {
        assert.ok(
          result.diagnostics.some((d) => d.code === exp.code && d.range.start.line === exp.line && d.range.start.column === exp.column),
          `expected ${exp.code} at ${exp.line}:${exp.column}, got:\n${describeAll(result.diagnostics)}`,
        );
      }
    });
  }

  it('QuickFix replacements turn a broken file into a valid one', () => {
    for (const name of ['unknown-param', 'unknown-component-type', 'unknown-input', 'unknown-output-reference', 'unknown-component-reference', 'param-enum', 'json-unknown-type', 'unquoted-placeholder']) {
      const file = brokenFiles.find((f) => f.startsWith(`${name}.`));
      assert.ok(file, name);
      const path = join(brokenDir, file);
      const text = readFileSync(path, 'utf8');
      const result = loadPipelineText(path, text, { catalog: standInCatalog });
      const fix = result.diagnostics[0]?.fixes?.[0];
      assert.ok(fix, `${name} offers no fix`);
      const lines = text.split('\n');
      const { start, end } = fix.range;
      assert.equal(start.line, end.line);
      const line = lines[start.line - 1];
      lines[start.line - 1] = line.slice(0, start.column - 1) + fix.replacement + line.slice(end.column - 1);
      const fixed = loadPipelineText(path, lines.join('\n'), { catalog: standInCatalog });
      // Removing the duplicate input key is the only way to fix unknown-input; everything else is clean.
      const left = errors(fixed.diagnostics).filter((d) => !(name === 'unknown-input' && d.code === 'duplicate-key'));
      assert.deepEqual(left, [], `${name} after the fix:\n${describeAll(left)}`);
    }
  });
});

describe('valid pipelines', () => {
  it('the DESIGN §5 sample parses to the expected IR, with ranges', () => {
    const file = join(validDir, 'design.pipeline.yaml');
    const { pipeline, diagnostics } = load(file);
    assert.deepEqual(errors(diagnostics), [], describeAll(diagnostics));
    assert.ok(pipeline);
    assert.equal(pipeline.name, 'penguin');
    assert.equal(pipeline.description, 'Classify penguin species.');
    assert.equal(pipeline.format, 'yaml');
    assert.equal(pipeline.file, file);
    assert.deepEqual(pipeline.nameRange, { start: { line: 1, column: 11 }, end: { line: 1, column: 18 } });
    assert.deepEqual(
      pipeline.components.map((c) => `${c.id}:${c.type}`),
      [
        'example_gen:CsvExampleGen',
        'statistics_gen:StatisticsGen',
        'schema_gen:SchemaGen',
        'example_validator:ExampleValidator',
        'transform:Transform',
        'trainer:Trainer',
        'latest_blessed:Resolver',
        'evaluator:Evaluator',
        'approval:HumanApproval',
        'pusher:Pusher',
      ],
    );
    const byId = new Map(pipeline.components.map((c) => [c.id, c]));
    const gen = byId.get('example_gen');
    assert.ok(gen);
    assert.deepEqual(gen.idRange, { start: { line: 4, column: 3 }, end: { line: 4, column: 14 } });
    assert.deepEqual(gen.typeRange?.start, { line: 5, column: 11 });
    assert.deepEqual(gen.params, { input: 'data/penguins.csv', splits: { train: 3, eval: 1 } });
    assert.deepEqual(gen.paramRanges['input'], { start: { line: 7, column: 7 }, end: { line: 7, column: 12 } });
    assert.deepEqual(gen.paramValueRanges?.['input'], { start: { line: 7, column: 14 }, end: { line: 7, column: 31 } });
    assert.deepEqual(gen.paramRanges['splits'].start, { line: 8, column: 7 });
    assert.equal(gen.range?.start.line, 4);
    assert.equal(gen.range?.end.line, 9);

    const validator = byId.get('example_validator');
    assert.ok(validator);
    assert.deepEqual(validator.inputs, {
      statistics: [{ component: 'statistics_gen', output: 'statistics', range: { start: { line: 17, column: 26 }, end: { line: 17, column: 51 } } }],
      schema: [{ component: 'schema_gen', output: 'schema', range: { start: { line: 17, column: 61 }, end: { line: 17, column: 78 } } }],
    });
    assert.deepEqual(validator.inputRanges['schema'].start, { line: 17, column: 53 });

    const evaluator = byId.get('evaluator');
    assert.deepEqual(evaluator?.params['slices'], [[], ['island'], ['sex']]);
    assert.deepEqual(evaluator?.params['thresholds'], { accuracy: { lower_bound: 0.6, change: { direction: 'higher_is_better', absolute: -1e-10 } } });
    assert.deepEqual(byId.get('trainer')?.params['hidden_units'], [16, 8]);
    assert.ok(pipeline.components.every((c) => c.enabled));
  });

  it('the DESIGN §5 sample validates cleanly against the real registry where its components are registered', (t) => {
    const { registry, reason } = realRegistry();
    if (!registry) {
      t.skip(`the component registry does not load yet: ${reason}`);
      return;
    }
    const types = parseYaml(readFileSync(join(validDir, 'design.pipeline.yaml'), 'utf8')) as { components: Record<string, { type: string }> };
    const missing = Object.values(types.components).filter((c) => !registry.getComponent(c.type)).map((c) => c.type);
    const { diagnostics } = load(join(validDir, 'design.pipeline.yaml'), mixedCatalog());
    assert.deepEqual(errors(diagnostics), [], describeAll(diagnostics));
    if (missing.length) t.diagnostic(`stand-ins used for unregistered types: ${missing.join(', ')}`);
  });

  it('Command pipelines: declared outputs, lists of channels and disabled components', () => {
    const { pipeline, diagnostics } = load(join(validDir, 'commands.pipeline.yml'));
    assert.deepEqual(errors(diagnostics), [], describeAll(diagnostics));
    assert.ok(pipeline);
    const report = pipeline.components.find((c) => c.id === 'report');
    assert.equal(report?.enabled, false);
    assert.deepEqual(report?.enabledRange?.start, { line: 19, column: 5 });
    assert.deepEqual(report?.inputs['data']?.map((r) => `${r.component}.${r.output}@${r.range?.start.line}:${r.range?.start.column}`), ['fetch.raw@20:41']);
    assert.deepEqual(pipeline.components[0].outputs, { raw: 'Examples' });
    assert.deepEqual(pipeline.components[1].params['env'], { SEED: 7 });
    assert.deepEqual([...skippedComponents(pipeline)].sort(), ['publish', 'report']);
  });

  it('a Resolver may declare the outputs its latest_artifact strategy resolves', () => {
    const { pipeline, diagnostics } = load(join(validDir, 'resolver.pipeline.yaml'));
    assert.deepEqual(errors(diagnostics), [], describeAll(diagnostics));
    assert.deepEqual(pipeline?.components[0]?.outputs, { examples: 'Examples' });
    const undeclared = loadPipelineText(join(validDir, 'x.pipeline.yaml'), readFileSync(join(validDir, 'resolver.pipeline.yaml'), 'utf8').replace('    outputs: {examples: Examples}\n', ''), { catalog: standInCatalog });
    assert.deepEqual(errors(undeclared.diagnostics).map((d) => d.code), ['unknown-output-reference']);
  });

  it('JSON pipelines parse with the same ranges, and fixes keep JSON quotes', () => {
    const { pipeline, diagnostics } = load(join(validDir, 'small.pipeline.json'));
    assert.deepEqual(errors(diagnostics), [], describeAll(diagnostics));
    assert.equal(pipeline?.format, 'json');
    assert.equal(pipeline?.name, 'small-json');
    const stats = pipeline?.components[1];
    assert.deepEqual(stats?.inputs['examples']?.[0]?.range?.start, { line: 5, column: 72 });
    const broken = load(join(brokenDir, 'json-unknown-type.pipeline.json'));
    assert.equal(broken.diagnostics[0]?.fixes?.[0]?.replacement, '"StatisticsGen"');
  });
});

describe('DAG helpers', () => {
  const design = (): PipelineIR => {
    const { pipeline } = load(join(validDir, 'design.pipeline.yaml'));
    assert.ok(pipeline);
    return pipeline;
  };

  it('orders every component after its inputs, deterministically', () => {
    const p = design();
    const order = topologicalOrder(p);
    assert.equal(order.length, p.components.length);
    const pos = new Map(order.map((id, i) => [id, i]));
    for (const c of p.components) {
      for (const refs of Object.values(c.inputs)) for (const r of refs) assert.ok((pos.get(r.component) ?? 99) < (pos.get(c.id) ?? -1), `${r.component} before ${c.id}`);
    }
    assert.deepEqual(topologicalOrder(p), order);
    assert.equal(order[0], 'example_gen');
  });

  it('finds upstream and downstream closures', () => {
    const p = design();
    assert.deepEqual(upstreamOf(p, 'trainer'), ['example_gen', 'statistics_gen', 'schema_gen', 'transform']);
    assert.deepEqual(new Set(downstreamOf(p, 'schema_gen')), new Set(['example_validator', 'transform', 'trainer', 'evaluator', 'approval', 'pusher']));
    assert.deepEqual(downstreamOf(p, 'pusher'), []);
    assert.deepEqual(upstreamOf(p, 'latest_blessed'), []);
  });

  it('names each cycle once', () => {
    const { pipeline } = load(join(brokenDir, 'cycle.pipeline.yaml'));
    assert.ok(pipeline);
    const cycles = findCycles(pipeline);
    assert.equal(cycles.length, 1);
    assert.deepEqual([...cycles[0]].sort(), ['first', 'second', 'third']);
    assert.equal(topologicalOrder(pipeline).length, 3);
    assert.deepEqual(findCycles(design()), []);
  });
});

describe('suggestions and paths', () => {
  it('suggests close names only', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(didYouMean('StatisticGen', ['StatisticsGen', 'SchemaGen']), 'StatisticsGen');
    assert.equal(didYouMean('statisticsgen', ['StatisticsGen']), 'StatisticsGen');
    assert.equal(didYouMean('Banana', ['StatisticsGen', 'SchemaGen']), undefined);
  });

  it('checks files, folders and globs relative to the pipeline folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-paths-'));
    try {
      writeFileSync(join(dir, 'a.csv'), 'x\n1\n');
      assert.equal(checkPath(dir, 'a.csv', 'file'), undefined);
      assert.match(checkPath(dir, 'a.csv', 'folder') ?? '', /not a folder/);
      assert.match(checkPath(dir, 'b.csv', 'any') ?? '', /does not exist/);
      assert.equal(checkPath(dir, '*.csv', 'glob'), undefined);
      assert.equal(checkPath(dir, '**/*.{csv,json}', 'glob'), undefined);
      assert.match(checkPath(dir, '*.parquet', 'glob') ?? '', /no file matches/);
      assert.equal(checkPath(dir, '.', 'glob'), undefined);
      assert.ok(globToRegExp('data/**/*.csv').test('data/x/y/z.csv'));
      assert.ok(globToRegExp('data/**/*.csv').test('data/z.csv'));
      assert.ok(!globToRegExp('data/*.csv').test('data/x/z.csv'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JSON Schema and hovers', () => {
  it('ajv compiles the schema; it accepts the valid samples and rejects broken ones', () => {
    for (const [label, catalog] of [
      ['stand-ins', standInCatalog],
      ['registry + stand-ins', mixedCatalog()],
    ] as const) {
      const schema = pipelineJsonSchema(catalog);
      const ajv = new Ajv({ strict: false, allErrors: true });
      const check = ajv.compile(schema);
      for (const file of readdirSync(validDir).filter((f) => /\.pipeline\.(yaml|yml|json)$/.test(f))) {
        const doc: unknown = parseYaml(readFileSync(join(validDir, file), 'utf8'));
        assert.ok(check(doc), `${label}: ${file}: ${JSON.stringify(check.errors?.slice(0, 3))}`);
      }
      for (const file of ['unknown-param', 'unknown-component-type', 'invalid-pipeline-name', 'missing-param', 'param-enum', 'invalid-structure', 'unknown-field']) {
        const doc: unknown = parseYaml(readFileSync(join(brokenDir, `${file}.pipeline.yaml`), 'utf8'));
        assert.equal(check(doc), false, `${label}: ${file} should be rejected`);
      }
    }
  });

  it('documents every registered type and param', () => {
    const schema = pipelineJsonSchema(standInCatalog) as { definitions: Record<string, { properties?: Record<string, { markdownDescription?: string; properties?: Record<string, { markdownDescription?: string }> }> }> };
    const trainer = schema.definitions['component_Trainer'];
    assert.ok(trainer?.properties?.['params']?.properties?.['epochs']?.markdownDescription);
    const enumTypes = (schema.definitions['component'] as unknown as { properties: { type: { enum: string[] } } }).properties.type.enum;
    assert.deepEqual(enumTypes, [...standInCatalog.types()].sort());
  });

  it('hovers give markdown for a type and for a param, nothing for unknown names', () => {
    const typeDoc = componentHover('Trainer', undefined, standInCatalog);
    assert.match(typeDoc ?? '', /\*\*Trainer\*\*/);
    assert.match(typeDoc ?? '', /`examples` \(Examples\)/);
    assert.match(typeDoc ?? '', /`model` \(Model\)/);
    assert.match(componentHover('CsvExampleGen', 'input', standInCatalog) ?? '', /required/);
    assert.equal(componentHover('Nope', undefined, standInCatalog), undefined);
    assert.equal(componentHover('Trainer', 'nope', standInCatalog), undefined);
    assert.match(componentHover('Trainer', 'transform_graph', standInCatalog) ?? '', /input `transform_graph` \(TransformGraph, optional\)/);
    assert.match(componentHover('Trainer', 'model', standInCatalog) ?? '', /output `model` \(Model\)/);
  });
});

describe('loading files', () => {
  it('a missing file is a positioned diagnostic, not an exception', async () => {
    const result = await loadPipelineFile(join(tmpdir(), 'no-such-dir-mlpipe', 'x.pipeline.yaml'), { catalog: standInCatalog });
    assert.equal(result.pipeline, undefined);
    assert.equal(result.diagnostics[0]?.code, 'file-not-readable');
    assert.deepEqual(result.diagnostics[0]?.range.start, { line: 1, column: 1 });
  });

  it('TypeScript pipelines are not evaluated unless trusted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-untrusted-'));
    try {
      const marker = join(dir, 'evaluated');
      const file = join(dir, 'evil.pipeline.ts');
      writeFileSync(file, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');\nexport default {};\n`);
      const result = await loadPipelineFile(file, { catalog: standInCatalog });
      assert.equal(result.diagnostics[0]?.code, 'ts-untrusted');
      assert.throws(() => readFileSync(marker), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads YAML files from disk and validates paths relative to them', async () => {
    const result = await loadPipelineFile(join(brokenDir, 'path-not-found.pipeline.yaml'), { catalog: standInCatalog });
    assert.deepEqual(result.diagnostics.map((d) => d.code), ['path-not-found', 'path-not-found']);
    const ok = await loadPipelineFile(join(validDir, 'design.pipeline.yaml'), { catalog: standInCatalog });
    assert.deepEqual(errors(ok.diagnostics), []);
  });
});

describe('odd inputs', () => {
  const file = join(tmpdir(), 'odd.pipeline.yaml');
  const check = (text: string) => loadPipelineText(file, text, { catalog: standInCatalog, checkPaths: false });

  it('an empty file or one with only comments asks for a pipeline', () => {
    for (const text of ['', '# nothing yet\n', '\n\n']) {
      const r = check(text);
      assert.equal(r.diagnostics[0]?.code, 'invalid-structure', describeAll(r.diagnostics));
      assert.deepEqual(r.diagnostics[0]?.range.start, { line: 1, column: 1 });
    }
  });

  it('a pipeline without components is a warning, not an error', () => {
    const r = check('pipeline: empty\ncomponents: {}\n');
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity}:${d.code}`), ['warning:empty-pipeline']);
  });

  it('several YAML documents, tabs and a list at the top are syntax or structure errors with positions', () => {
    const multi = check('pipeline: a\ncomponents: {}\n---\npipeline: b\n');
    assert.ok(multi.diagnostics.some((d) => d.code === 'yaml-syntax' && d.range.start.line >= 3), describeAll(multi.diagnostics));
    const tabs = check('pipeline: a\ncomponents:\n\tgen:\n\t\ttype: Command\n');
    assert.ok(tabs.diagnostics.some((d) => d.code === 'yaml-syntax' && d.range.start.line === 3), describeAll(tabs.diagnostics));
    const list = check('- pipeline: a\n');
    assert.equal(list.diagnostics[0]?.code, 'invalid-structure');
  });

  it('a self-reference is a cycle; a reference to a disabled component is fine', () => {
    const self = check('pipeline: a\ncomponents:\n  x:\n    type: Command\n    inputs: {i: x.o}\n    outputs: {o: Model}\n    params: {command: [echo]}\n');
    assert.deepEqual(errors(self.diagnostics).map((d) => `${d.code}@${d.range.start.line}:${d.range.start.column}`), ['cycle@5:17']);
    assert.match(self.diagnostics[0]?.message ?? '', /x -> x/);
  });

  it('aliases are expanded, and alias bombs are refused rather than expanded', () => {
    const ok = check('pipeline: a\ncomponents:\n  x:\n    type: Command\n    params: {command: &c [echo, hi], env: {A: *c}}\n');
    assert.deepEqual(errors(ok.diagnostics), [], describeAll(ok.diagnostics));
    assert.deepEqual(ok.pipeline?.components[0]?.params['env'], { A: ['echo', 'hi'] });
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const bomb = check(`pipeline: a\ncomponents:\n  x:\n    type: Command\n    params:\n      command: [echo]\n      env:\n        ${levels.join('\n        ')}\n`);
    assert.ok(bomb.diagnostics.length > 0);
    assert.ok(bomb.diagnostics.every((d) => d.code !== 'internal-error'), describeAll(bomb.diagnostics));
  });

  it('loadPipelineText leaves TypeScript files to loadPipelineFile', () => {
    const r = loadPipelineText(join(tmpdir(), 'x.pipeline.ts'), "import { pipeline } from 'mlpipe';\n", { catalog: standInCatalog });
    assert.deepEqual(r, { diagnostics: [] });
  });
});

describe('validation without the registry (the extension host)', () => {
  it('a catalog rebuilt from the generated JSON Schema finds the same problems', () => {
    const fromSchema = catalogFromSchema(JSON.parse(JSON.stringify(pipelineJsonSchema(standInCatalog))));
    assert.deepEqual([...fromSchema.types()].sort(), [...standInCatalog.types()].sort());
    for (const file of brokenFiles) {
      const path = join(brokenDir, file);
      const text = readFileSync(path, 'utf8');
      const codes = (catalog: typeof standInCatalog) =>
        checkPipelineText(path, text, { catalog })
          .diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.column}`)
          .sort();
      // Validate hooks are functions and do not survive JSON: only their own findings may be missing.
      const expected = codes(standInCatalog).filter((c) => !c.startsWith('component-check@'));
      assert.deepEqual(codes(fromSchema), expected, file);
    }
    const design = join(validDir, 'design.pipeline.yaml');
    assert.deepEqual(errors(checkPipelineText(design, readFileSync(design, 'utf8'), { catalog: fromSchema }).diagnostics), []);
  });

  it('the pure modules bundle without the registry or any native module', async () => {
    const root = join(__dirname, '..', '..');
    const result = await build({
      stdin: {
        contents: [
          "export { checkPipelineText } from './runtime/definition/pipelineText';",
          "export { catalogFromSchema } from './runtime/definition/componentCatalog';",
          "export { describeComponent, buildPipelineJsonSchema } from './runtime/definition/pipelineSchema';",
          "export { topologicalOrder } from './runtime/definition/graph';",
        ].join('\n'),
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const heavy = inputs.filter((i) => /components\/(registry|exampleGen|command)|duckdb|tfjs|better-sqlite3|node_modules\/esbuild/.test(i));
    assert.deepEqual(heavy, []);
    assert.ok(inputs.some((i) => i.includes('runtime/definition/validate.ts')));
  });
});
