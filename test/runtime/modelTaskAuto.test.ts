// `task: auto` on an integer label with few distinct values (0/1) is classification, and the Trainer's
// log says which task it chose and why. A real training run on penguins with a 0/1 "is Adelie" label.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { splitDir, EXAMPLES_FILE } from '../../common/artifacts';
import type { InputArtifact } from '../../runtime/components/spec';
import { runEvaluator, type MetricsFile } from '../../runtime/components/evaluator.executor';
import { chooseTask } from '../../runtime/model/taskChoice';
import { runTrainer } from '../../runtime/components/trainer.executor';
import { artifact, asInput, context, duckdb, PENGUIN_CSV, tempDir } from './modelFixtures';

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Penguins with a 0/1 integer label `adelie` and the four measurements; every 4th row is eval. */
async function binaryPenguins(root: string): Promise<InputArtifact> {
  const uri = path.join(root, 'examples');
  for (const [split, cond] of [
    ['train', '(n % 4) <> 0'],
    ['eval', '(n % 4) = 0'],
  ] as const) {
    const dir = path.join(uri, splitDir(split));
    fs.mkdirSync(dir, { recursive: true });
    await duckdb((run) =>
      run(
        `COPY (SELECT "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", CAST(Species = 'Adelie' AS INTEGER) AS adelie
           FROM (SELECT *, row_number() OVER () AS n FROM read_csv(${quote(PENGUIN_CSV)}, header = true)) WHERE ${cond} AND "Body Mass (g)" IS NOT NULL ORDER BY n)
         TO ${quote(path.join(dir, EXAMPLES_FILE))} (FORMAT parquet)`,
      ),
    );
  }
  return artifact('Examples', uri, { file_format: 'parquet' }, { split_names: '["train","eval"]' });
}

describe('task: auto', () => {
  it('chooses from the label values and says why', () => {
    assert.equal(chooseTask('y', [0, 1, 1, 0, 1, null], true).task, 'classification');
    assert.equal(chooseTask('rating', [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 3], true).task, 'classification');
    assert.equal(chooseTask('price', [1.5, 2, 3], true).task, 'regression');
    assert.equal(chooseTask('count', Array.from({ length: 40 }, (_, i) => i % 20), true).task, 'regression', '20 distinct values is a quantity');
    assert.equal(chooseTask('id', [1, 2, 3, 4], true).task, 'regression', 'each value once is not classes');
    assert.match(chooseTask('s', ['a', 'b'], false).reason, /holds text \(2 classes: a, b\)/);
  });

  let root: string;
  let examples: InputArtifact;
  before(async () => {
    root = tempDir('task-auto');
    examples = await binaryPenguins(root);
  });

  it('trains a classifier on a 0/1 integer label, logs the choice, and the Evaluator scores it as classes', async () => {
    const ctx = context(root, {
      componentId: 'trainer',
      params: { label: 'adelie', epochs: 30, hidden_units: [8], learning_rate: 0.05 },
      inputs: { examples: [examples] },
      outputs: { model: 'Model' },
    });
    await runTrainer(ctx);
    assert.equal(ctx.outputs['model']!.customProperties['task'], 'classification');
    const line = ctx.lines.find((l) => l.startsWith('task: '));
    assert.match(line ?? '', /^task: label "adelie" holds 2 distinct whole numbers \(0, 1\) in \d+ rows, so task: auto chose classification/, ctx.lines.join('\n'));
    const ev = context(root, {
      componentId: 'evaluator',
      params: { thresholds: { accuracy: { lower_bound: 0.8 } } },
      inputs: { examples: [examples], model: [asInput(ctx, 'model')] },
      outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
    });
    await runEvaluator(ev);
    const m = JSON.parse(fs.readFileSync(path.join(ev.outputs['evaluation']!.uri, 'metrics.json'), 'utf8')) as MetricsFile;
    const accuracy = m.candidate.overall['accuracy'] as number;
    assert.ok(accuracy > 0.8, `accuracy ${accuracy}`);
    assert.deepEqual(fs.readdirSync(ev.outputs['blessing']!.uri), ['BLESSED']);
  });
});
