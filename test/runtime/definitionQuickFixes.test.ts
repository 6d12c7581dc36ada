// Quick fixes that need the whole pipeline (a wrong reference, a missing input or param), and one
// syntax error not hiding the rest of the file. Each fix is applied to the text and checked again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PipelineDiagnostic, QuickFix } from '../../runtime/definition/ir';
import { checkPipelineText } from '../../runtime/definition/pipelineText';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { LineIndex } from '../../runtime/definition/sourcePositions';

const FILE = '/w/penguin.pipeline.yaml';
const penguin = readFileSync(join(__dirname, '..', '..', 'samples', 'penguin', 'penguin.pipeline.yaml'), 'utf8');
const check = (text: string) => checkPipelineText(FILE, text, { catalog: registryCatalog, checkPaths: false });

function apply(text: string, fix: QuickFix): string {
  const lines = new LineIndex(text);
  return text.slice(0, lines.offset(fix.range.start)) + fix.replacement + text.slice(lines.offset(fix.range.end));
}

function only(ds: PipelineDiagnostic[], code: string): PipelineDiagnostic {
  const found = ds.filter((d) => d.code === code);
  assert.equal(found.length, 1, `${code} in ${JSON.stringify(ds.map((d) => d.code))}`);
  return found[0];
}

describe('quick fixes that need the whole pipeline', () => {
  it('a misspelt output offers the outputs the input accepts, the referenced component first', () => {
    const text = penguin.replace('model: trainer.model, baseline', 'model: trainer.modle, baseline');
    const d = only(check(text).diagnostics, 'unknown-output-reference');
    assert.deepEqual(d.fixes?.map((f) => f.replacement), ['trainer.model', 'latest_blessed.model']);
    assert.deepEqual(check(apply(text, d.fixes![0])).diagnostics, []);
  });

  it('a reference of the wrong artifact type offers every output of the right type', () => {
    const text = penguin.replace('model: trainer.model, baseline', 'model: example_gen.examples, baseline');
    const d = only(check(text).diagnostics, 'artifact-type-mismatch');
    assert.deepEqual(d.fixes?.map((f) => f.replacement).sort(), ['latest_blessed.model', 'trainer.model']);
  });

  it('a missing required input is inserted, wired to a matching output, in a flow mapping, a block and where there was no `inputs:`', () => {
    const cases = [
      penguin.replace('inputs: {statistics: statistics_gen.statistics, schema: schema_gen.schema}', 'inputs: {statistics: statistics_gen.statistics}'),
      penguin.replace('inputs: {statistics: statistics_gen.statistics, schema: schema_gen.schema}', 'inputs:\n      statistics: statistics_gen.statistics'),
      penguin.replace('    inputs: {statistics: statistics_gen.statistics, schema: schema_gen.schema}\n', '    inputs:\n'),
    ];
    for (const text of cases) {
      let fixed = text;
      // The last case misses both inputs: one fix each.
      for (let i = 0; i < 2; i++) {
        const d = check(fixed).diagnostics.find((x) => x.code === 'missing-input' && x.component === 'example_validator');
        if (!d) break;
        assert.ok(d.fixes?.length, fixed);
        fixed = apply(fixed, d.fixes![0]);
      }
      assert.deepEqual(check(fixed).diagnostics.filter((x) => x.component === 'example_validator'), [], fixed);
    }
    const none = penguin.replace('    inputs: {examples: transform.transformed_examples, transform_graph: transform.transform_graph}\n', '');
    const d = check(none).diagnostics.find((x) => x.code === 'missing-input' && x.component === 'trainer')!;
    assert.equal(d.fixes?.[0].title, 'Add input `examples: transform.transformed_examples`');
    assert.deepEqual(check(apply(none, d.fixes![0])).diagnostics, []);
  });

  it('a missing required param is inserted', () => {
    const text = penguin.replace('params: {label: Species, epochs: 40,', 'params: {epochs: 40,');
    const d = only(check(text).diagnostics, 'missing-param');
    const fixed = apply(text, d.fixes![0]);
    assert.match(fixed, /params: \{epochs: 40, hidden_units: \[16, 8\], learning_rate: 0\.01, label: ""\}/);
  });
});

describe('one mistake does not hide the others', () => {
  it('a syntax error inside one component: the others are still checked and the IR keeps every component', () => {
    const text = penguin
      .replace('epochs: 40, hidden_units: [16, 8], learning_rate: 0.01}', 'epochs: 40, hidden_units: [16, 8], learning_rate: 0.01')
      .replace('type: SchemaGen', 'type: SchemaGenn')
      .replace('baseline_model: latest_blessed.model', 'baseline_model: latest_blesed.model');
    const r = check(text);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.component]), [
      ['unknown-component-type', 'schema_gen'],
      ['yaml-syntax', 'trainer'],
      ['unknown-component-reference', 'evaluator'],
    ]);
    assert.equal(r.pipeline?.components.length, 10);
    const trainer = r.pipeline!.components.find((c) => c.id === 'trainer')!;
    assert.equal(trainer.type, 'Trainer');
    assert.deepEqual(trainer.inputs['examples'].map((x) => `${x.component}.${x.output}`), ['transform.transformed_examples']);
  });
});
