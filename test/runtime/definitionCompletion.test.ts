// Completion in YAML pipeline files from the real registry, on half-typed text that does not parse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completePipelineText, componentSnippet, newComponentId } from '../../runtime/definition/completion';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { parsePipelineText } from '../../runtime/definition/parse';
import { cursorContext, pipelineOutline } from '../../runtime/definition/yamlOutline';

/** Text with a `|` marking the cursor -> completion there. */
function at(textWithCursor: string, opts: Partial<Parameters<typeof completePipelineText>[4]> = {}) {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  const line = before.length - 1;
  const column = before[line].length;
  return completePipelineText('/w/demo.pipeline.yaml', text, line, column, { catalog: registryCatalog, ...opts });
}

const labels = (r: ReturnType<typeof at>): string[] => r.items.map((i) => i.label);

const HEAD = `pipeline: demo
components:
  example_gen:
    type: CsvExampleGen
    params: {input: data/x.csv}
  statistics_gen:
    type: StatisticsGen
    inputs: {examples: example_gen.examples}
  schema_gen:
    type: SchemaGen
    inputs:
      statistics: statistics_gen.statistics
`;

describe('completion in YAML pipeline files', () => {
  it('offers every registry component type, with docs, after a half-typed `type:`', () => {
    const r = at(`${HEAD}  trainer:\n    type: Tra|`);
    assert.ok(labels(r).includes('Trainer') && labels(r).includes('Transform') && labels(r).includes('CsvExampleGen'));
    const trainer = r.items.find((i) => i.label === 'Trainer');
    assert.match(trainer?.documentation ?? '', /\*\*Trainer\*\*/);
    assert.deepEqual(r.range.start, { line: 14, column: 11 });
    assert.deepEqual(r.range.end, { line: 14, column: 14 });
    // The text does not even parse as a pipeline with a trainer: the YAML is mid-word.
  });

  it('offers the params of the component at the cursor with type, default and allowed values, leaving out the written ones', () => {
    const r = at(`${HEAD}  trainer:\n    type: Trainer\n    params:\n      epochs: 3\n      |\n    inputs: {}\n`);
    const names = labels(r);
    assert.ok(names.includes('label') && names.includes('task') && names.includes('learning_rate'));
    assert.ok(!names.includes('epochs'), 'epochs is already written');
    assert.equal(r.component, 'trainer');
    const task = r.items.find((i) => i.label === 'task');
    assert.match(task?.detail ?? '', /auto \| classification \| regression/);
    assert.match(task?.detail ?? '', /default "auto"/);
    // Required params first.
    assert.equal(r.items.sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))[0].label, 'label');
  });

  it('offers the allowed values of an enum param', () => {
    const r = at(`${HEAD}  trainer:\n    type: Trainer\n    params:\n      task: |`);
    assert.deepEqual(labels(r), ['auto', 'classification', 'regression']);
  });

  it('offers input keys, and for an input only the outputs whose artifact type it accepts (never a downstream one)', () => {
    const keys = at(`${HEAD}  example_validator:\n    type: ExampleValidator\n    inputs:\n      |`);
    assert.deepEqual(labels(keys).sort(), Object.keys(registryCatalog.get('ExampleValidator')!.inputs).sort());
    const refs = at(`${HEAD}  example_validator:\n    type: ExampleValidator\n    inputs:\n      schema: |`);
    assert.deepEqual(labels(refs), ['schema_gen.schema']);
    const flow = at(`${HEAD}  example_validator:\n    type: ExampleValidator\n    inputs: {statistics: statistics_gen.statistics, schema: sch|`);
    assert.deepEqual(labels(flow), ['schema_gen.schema']);
    assert.equal(flow.range.start.column, 61);
    // schema_gen's own input cannot be fed by itself.
    const self = at(HEAD.replace('statistics: statistics_gen.statistics', 'statistics: |'));
    assert.deepEqual(labels(self), ['statistics_gen.statistics']);
  });

  it('offers feature names from the statistics source for labels, Transform features and Evaluator slices', () => {
    const features = () => [
      { name: 'species', type: 'STRING' },
      { name: 'Beak Length (mm)', type: 'FLOAT' },
    ];
    const label = at(`${HEAD}  trainer:\n    type: Trainer\n    params:\n      label: sp|`, { features });
    assert.deepEqual(labels(label), ['species', 'Beak Length (mm)']);
    const transform = at(`${HEAD}  transform:\n    type: Transform\n    params:\n      features:\n        species: vocabulary\n        |`, { features });
    const beak = transform.items.find((i) => i.label === 'Beak Length (mm)');
    assert.equal(beak?.insertText, '"Beak Length (mm)": ');
    assert.ok(!labels(transform).includes('species'), 'already listed');
    const slices = at(`${HEAD}  evaluator:\n    type: Evaluator\n    params:\n      slices: [[], [|`, { features });
    assert.ok(labels(slices).includes('species'));
  });

  it('offers a snippet for a new component of each type, generated from the registry with its required inputs wired', () => {
    const r = at(`${HEAD}  |`);
    const trainer = r.items.find((i) => i.label === 'New Trainer');
    assert.ok(trainer?.snippet);
    assert.match(trainer.insertText, /^\$\{1:trainer\}:\n {2}type: Trainer\n {2}inputs:\n {4}examples: \$\{2:example_gen\.examples\}\n {2}params:\n {4}label: \$\{3:label\}$/);
    assert.equal(r.items.length, [...registryCatalog.types()].length);
    assert.equal(newComponentId('CsvExampleGen', ['csv_example_gen']), 'csv_example_gen_2');
    // Every type's snippet, made real, validates its inputs: no missing-input diagnostics.
    for (const type of registryCatalog.types()) {
      const spec = registryCatalog.get(type)!;
      const body = componentSnippet(spec, pipelineOutline(HEAD), registryCatalog)
        .replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1')
        .replace(/\$\{\d+:([^}]*)\}/g, '$1');
      const text = HEAD + body.split('\n').map((l) => `  ${l}`).join('\n') + '\n';
      const parsed = parsePipelineText('/w/demo.pipeline.yaml', text);
      assert.equal(parsed.hasSyntaxErrors, false, `${type}: ${text}`);
      assert.ok(parsed.pipeline?.components.some((c) => c.type === type), type);
    }
  });

  it('offers a new pipeline file in an empty file', () => {
    const r = at('|');
    assert.equal(r.items[0].label, 'New pipeline');
    assert.match(r.items[0].insertText, /^pipeline: \$\{1:demo\}/);
  });

  it('leaves the JSON Schema items to another extension when one covers them, keeping references, features and snippets', () => {
    assert.deepEqual(labels(at(`${HEAD}  trainer:\n    type: Tra|`, { schemaCovered: true })), []);
    assert.deepEqual(labels(at(`${HEAD}  ev:\n    type: ExampleValidator\n    inputs:\n      schema: |`, { schemaCovered: true })), ['schema_gen.schema']);
    assert.ok(at(`${HEAD}  |`, { schemaCovered: true }).items.length > 5);
  });

  it('reads the cursor context and the components of text that does not parse', () => {
    const text = `pipeline: demo\ncomponents:\n  a:\n    type: CsvExampleGen\n  b:\n    type: StatisticsGen\n    inputs:\n      examples:\n        - a.examples\n  c:\n    type: [oops\n`;
    const outline = pipelineOutline(text);
    assert.deepEqual(outline.components.map((c) => [c.id, c.type]), [['a', 'CsvExampleGen'], ['b', 'StatisticsGen'], ['c', '[oops']]);
    assert.deepEqual(outline.components[1].inputs, { examples: [{ component: 'a', output: 'examples' }] });
    assert.deepEqual(cursorContext(text, 7, 8).path, ['components', 'b', 'inputs']);
  });
});
