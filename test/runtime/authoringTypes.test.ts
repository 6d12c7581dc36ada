// `import … from 'mlpipe'` in a workspace that is not this repository: the declarations the build writes
// to dist/types, reached through the TypeScript server plugin's resolution, checked by the real TypeScript
// language service on files in a temp folder (no tsconfig paths, no node_modules), as a user's would be.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { findExtensionRoot, redirectMlpipe, typesEntry } from '../../typescript-plugin/src/plugin';

const repo = join(__dirname, '..', '..');

/** Semantic and syntactic errors of `files` (name -> text) in `dir`, as "file:line:col TScode message". */
function check(dir: string, files: Record<string, string>, withPlugin: boolean): string[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const names = Object.keys(files).map((n) => join(dir, n));
  // VS Code's defaults for a loose file (an inferred project), strict on.
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, allowJs: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => names,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  if (withPlugin) redirectMlpipe(ts, host, typesEntry(repo));
  const service = ts.createLanguageService(host);
  return names.flatMap((file) =>
    [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map((d) => {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName.slice(dir.length + 1)}:${line + 1}:${character + 1} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    }),
  );
}

const GOOD_PIPELINE = `import { pipeline, CsvExampleGen, StatisticsGen, SchemaGen, ExampleValidator } from 'mlpipe';
const gen = CsvExampleGen('example_gen', { params: { input: 'data/penguins.csv', splits: { train: 3, eval: 1 } } });
const stats = StatisticsGen('statistics_gen', { inputs: { examples: gen.outputs.examples } });
const schema = SchemaGen('schema_gen', { inputs: { statistics: stats.outputs.statistics } });
const validator = ExampleValidator('example_validator', { inputs: { statistics: stats.outputs.statistics, schema: schema.outputs.schema } });
export default pipeline('penguin', [gen, stats, schema, validator]);
`;

// A Schema wired where Examples belong: the error the DSL exists for, on line 4.
const MISWIRED_PIPELINE = `import { pipeline, CsvExampleGen, StatisticsGen, SchemaGen } from 'mlpipe';
const gen = CsvExampleGen('example_gen', { params: { input: 'data.csv' } });
const schema = SchemaGen('schema_gen', { inputs: { statistics: StatisticsGen('s', { inputs: { examples: gen.outputs.examples } }).outputs.statistics } });
const stats = StatisticsGen('statistics_gen', { inputs: { examples: schema.outputs.schema } });
export default pipeline('p', [gen, schema, stats]);
`;

const TRAINER_MODULE = `import type { TrainerFnArgs } from 'mlpipe';
export async function run(fnArgs: TrainerFnArgs): Promise<void> {
  const model = fnArgs.buildDefaultModel([8]);
  const t = fnArgs.tf.tensor1d([1, 2, 3]);
  t.dispose();
  await fnArgs.fit(model, { epochs: 2 });
  fnArgs.sink.save(model);
  fnArgs.log(String(fnArgs.train.rows.length) + fnArgs.hyperparameters['units']);
}
`;

const FUNCTION_AND_TRANSFORM = `import type { FunctionContext, TransformRow } from 'mlpipe';
export default async function step(ctx: FunctionContext): Promise<void> {
  ctx.log(ctx.outputs['report']!.uri + String(ctx.params['args']));
}
export function derive(row: TransformRow): TransformRow {
  return { ...row, ratio: Number(row['a']) / Number(row['b']) };
}
`;

describe('authoring types for pipeline files and modules in any workspace', () => {
  let dir = '';
  before(() => {
    assert.ok(existsSync(typesEntry(repo)), `${typesEntry(repo)} is missing: run node scripts/build.mjs (npm test does)`);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'mlpipe-types-')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("without the plugin 'mlpipe' is not found (what users saw before)", () => {
    const errors = check(dir, { 'a.pipeline.ts': GOOD_PIPELINE }, false);
    assert.ok(errors.some((e) => e.includes("TS2307 Cannot find module 'mlpipe'")), errors.join('\n'));
  });

  test('with the plugin a correct pipeline, a Trainer module and a Function/Transform module have no errors', () => {
    assert.deepEqual(check(dir, { 'b.pipeline.ts': GOOD_PIPELINE, 'trainer_module.ts': TRAINER_MODULE, 'steps.ts': FUNCTION_AND_TRANSFORM }, true), []);
  });

  test('wiring a Schema into an Examples input is a type error at the exact place', () => {
    const errors = check(dir, { 'c.pipeline.ts': MISWIRED_PIPELINE }, true);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^c\.pipeline\.ts:4:\d+ TS2322 .*'"Schema"'.*'"Examples"'/);
  });

  test('types are real, not any: a misspelt Trainer argument is an error', () => {
    const errors = check(dir, { 'd.ts': `import type { TrainerFnArgs } from 'mlpipe';\nexport async function run(a: TrainerFnArgs) { a.hyperparamters; }\n` }, true);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^d\.ts:2:\d+ TS2551 Property 'hyperparamters' does not exist/);
  });

  test("a workspace's own 'mlpipe' module wins over the extension's", () => {
    const own = join(dir, 'node_modules', 'mlpipe');
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, 'package.json'), JSON.stringify({ name: 'mlpipe', version: '9.9.9', types: 'index.d.ts' }));
    writeFileSync(join(own, 'index.d.ts'), 'export declare const ownVersion: string;\n');
    try {
      assert.deepEqual(check(dir, { 'e.ts': `import { ownVersion } from 'mlpipe';\nexport const v: string = ownVersion;\n` }, true), []);
    } finally {
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
    }
  });

  test('the installed plugin package exports the factory and finds the extension folder', () => {
    const pkg = join(repo, 'node_modules', 'mlpipe-typescript-plugin');
    assert.ok(existsSync(join(pkg, 'dist', 'index.js')), 'node_modules/mlpipe-typescript-plugin/dist/index.js is missing: run npm ci, then node scripts/build.mjs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require(pkg) as unknown;
    assert.equal(typeof factory, 'function', 'tsserver needs module.exports to be the factory');
    assert.equal(findExtensionRoot(realpathSync(join(pkg, 'dist'))), realpathSync(repo));
    assert.equal(findExtensionRoot(dir), undefined);
  });
});
