// One duration text everywhere (issue 15): a 12.3 s step and a 65 s step read the same in the CLI
// (`mlpipe show`, a real child process), on the DAG (the host's mapping of the store's executions, drawn
// in Chromium), and in the trees and CodeLens, which format through the same common/format.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { formatDuration } from '../../common/format';
import { stepLabel } from '../../extension/model/stepView';
import { stateOfExecution, toDagGraph } from '../../extension/panels/dagGraph';
import { parsePipelineText } from '../../runtime/definition/parse';
import { MetadataStore } from '../../runtime/metadata/store';
import { runCli, tempWorkspace, type TempWorkspace } from '../runtime/workspaceFixture';
import { chromiumMissing, viewsInChromium } from './webviewHarness';

const EXPECTED = { quick: '12.3 s', slow: '1 min 5 s' } as const;
const DURATION_MS = { quick: 12_300, slow: 65_000 } as const;

describe('the same duration text in the CLI, the DAG and the trees', { skip: chromiumMissing() }, () => {
  const views = viewsInChromium();
  let ws: TempWorkspace;
  let file: string;
  const executionIds: Record<string, number> = {};

  before(async () => {
    ws = tempWorkspace('mlpipe-durations-');
    const step = `{type: Command, params: {command: [${JSON.stringify(process.execPath)}, -e, "1"]}}`;
    file = ws.write('durations.pipeline.yaml', `pipeline: durations\ncomponents:\n  quick: ${step}\n  slow: ${step}\n`);
    const run = await runCli(['run', file], ws.root);
    assert.equal(run.code, 0, run.stderr);
    // The steps took milliseconds; give their executions the recorded lengths of a 12.3 s and a 65 s step.
    const db = new Database(ws.db);
    try {
      const rows = db.prepare("SELECT e.id, c.name FROM Execution e JOIN Association a ON a.execution_id = e.id JOIN Context c ON c.id = a.context_id JOIN Type t ON t.id = c.type_id WHERE t.name = 'node'").all() as Array<{ id: number; name: string }>;
      for (const r of rows) {
        const node = r.name.split('.').pop() as keyof typeof DURATION_MS;
        executionIds[node] = r.id;
        db.prepare('UPDATE Execution SET last_update_time_since_epoch = create_time_since_epoch + ? WHERE id = ?').run(DURATION_MS[node], r.id);
      }
    } finally {
      db.close();
    }
    assert.deepEqual(Object.keys(executionIds).sort(), ['quick', 'slow']);
  });
  after(() => ws?.dispose());

  it('the CLI prints them', async () => {
    for (const node of ['quick', 'slow'] as const) {
      const show = await runCli(['show', String(executionIds[node])], ws.root);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, new RegExp(` in ${EXPECTED[node]}\\b`), show.stdout);
    }
  });

  it('the DAG shows them, from the store through the host mapping', async () => {
    const store = MetadataStore.open(ws.db, { readonly: true });
    let status;
    try {
      status = Object.fromEntries(Object.entries(store.nodeStates('durations')).map(([id, e]) => [id, stateOfExecution(e)]));
    } finally {
      store.close();
    }
    const graph = toDagGraph(parsePipelineText(file, readFileSync(file, 'utf8')).pipeline!);
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: { graph, status, problems: [], highlighted: null, canRun: true } });
    await view.page.waitForFunction(() => Number(document.body.dataset['layoutSeq'] ?? 0) >= 1, undefined, { timeout: 20_000 });
    for (const node of ['quick', 'slow'] as const) {
      const text = (await view.page.locator(`.node[data-id="${node}"]`).textContent()) ?? '';
      assert.ok(text.includes(EXPECTED[node]), `${node}: ${text}`);
    }
  });

  it('the trees and CodeLens label a step with the same text (their pure step view, which needs no VS Code)', () => {
    assert.equal(formatDuration(DURATION_MS.quick), EXPECTED.quick);
    assert.equal(formatDuration(DURATION_MS.slow), EXPECTED.slow);
    for (const node of ['quick', 'slow'] as const) {
      assert.equal(stepLabel({ state: 'complete', durationMs: DURATION_MS[node], live: false }), `complete · ${EXPECTED[node]}`);
    }
    const repo = join(__dirname, '..', '..');
    // Both trees and CodeLens write a step's label with stepLabel, and nothing else formats durations there.
    for (const f of ['extension/pipelinesTree.ts', 'extension/runsTree.ts', 'extension/codeLens.ts']) {
      const source = readFileSync(join(repo, f), 'utf8');
      assert.match(source, /import \{ [^}]*stepLabel[^}]* \} from '\.\/model\/stepView';/, f);
      assert.doesNotMatch(source, /function formatDuration/, f);
    }
    for (const f of ['extension/model/stepView.ts', 'webviews/dag/main.ts', 'runtime/cli/display.ts', 'runtime/cli/main.ts']) {
      assert.match(readFileSync(join(repo, f), 'utf8'), /import \{ [^}]*formatDuration[^}]* \} from '(\.\.\/)+common\/format';/, f);
    }
  });
});
