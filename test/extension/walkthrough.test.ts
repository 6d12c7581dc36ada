// The walkthrough tells the truth: every command it links to exists, every media file exists, and every
// step id of the penguin pipeline it names (in backticks) is one of the sample's components.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const repo = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  contributes: {
    commands: Array<{ command: string }>;
    walkthroughs: Array<{ steps: Array<{ id: string; description: string; media: { markdown: string }; completionEvents?: string[] }> }>;
  };
};
/** VS Code's own commands the walkthrough uses, and the internal ones the extension registers at run time. */
const BUILT_IN = new Set(['workbench.actions.view.problems', 'workbench.action.openWalkthrough', 'mlpipe.answerApproval']);
const penguin = parse(readFileSync(join(repo, 'samples', 'penguin', 'penguin.pipeline.yaml'), 'utf8')) as { components: Record<string, unknown> };

describe('the walkthrough', () => {
  const walkthrough = pkg.contributes.walkthroughs[0]!;
  const commands = new Set(pkg.contributes.commands.map((c) => c.command));

  it('goes through the TFX loop on the penguin sample', () => {
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['createSample', 'run', 'statistics', 'anomalies', 'evaluation', 'signOff', 'lineage', 'inspect'],
    );
    assert.match(walkthrough.steps[0]!.description, /command:mlpipe\.createSampleWorkspace\?%5B%22penguin%22%5D/);
  });

  it('links only to commands that exist, and completes on commands that exist', () => {
    for (const s of walkthrough.steps) {
      const linked = [...s.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!);
      const events = (s.completionEvents ?? []).map((e) => e.replace(/^onCommand:/, '')).filter((e) => !e.startsWith('onView:'));
      for (const c of [...linked, ...events]) assert.ok(commands.has(c) || BUILT_IN.has(c), `${s.id} names the command ${c}, which is not contributed`);
    }
  });

  it('names only components the penguin pipeline has', () => {
    const ids = new Set(Object.keys(penguin.components));
    for (const s of walkthrough.steps) {
      const file = join(repo, s.media.markdown);
      assert.ok(existsSync(file), `${s.id}: ${s.media.markdown} is missing`);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/`([a-z]+_[a-z_]+|trainer|transform|evaluator|approval|pusher)`/g)) {
        assert.ok(ids.has(m[1]!), `${s.media.markdown} names \`${m[1]}\`, which the penguin pipeline does not have`);
      }
    }
  });
});
