// `mlpipe export --to argo` and the `--run-id` it relies on. The workflow is checked as a document, and
// then executed the way Argo would run it, minus Kubernetes: every task's container argv, with the
// template parameters filled in, is spawned (no shell) once its dependencies have succeeded, against a
// copy of samples/basic standing in for the shared volume. The result must be one pipeline run in ML
// Metadata with every step, its lineage intact, and a second workflow served from cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { loadPipelineText } from '../../runtime/definition/load';
import { argoWorkflow, dnsLabel } from '../../runtime/export/argoWorkflow';
import { MetadataStore } from '../../runtime/metadata/store';
import { runPipeline } from '../../runtime/orchestrator/run';
import { cliPath, ensureBuilt, nodeCommand, repoRoot, runCli, tempWorkspace, type TempWorkspace } from './workspaceFixture';

interface Task {
  name: string;
  template: string;
  dependencies?: string[];
  arguments: { parameters: Array<{ name: string; value: string }> };
}
interface Workflow {
  apiVersion: string;
  kind: string;
  metadata: { generateName: string; labels: Record<string, string> };
  spec: {
    entrypoint: string;
    volumes: Array<{ name: string; persistentVolumeClaim: { claimName: string } }>;
    templates: Array<{
      name: string;
      dag?: { tasks: Task[] };
      container?: { image: string; command: string[]; args: string[]; workingDir: string; env: Array<{ name: string; value: string }>; volumeMounts: Array<{ name: string; mountPath: string }> };
    }>;
  };
}

const DNS = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function tasksOf(w: Workflow): Task[] {
  return w.spec.templates.find((t) => t.name === w.spec.entrypoint)!.dag!.tasks;
}

/** Runs the workflow's tasks as Argo would (dependencies first), each as a real `mlpipe` process. */
function execute(w: Workflow, workflowName: string, workspace: string): Array<{ task: string; code: number | null; output: string }> {
  const container = w.spec.templates.find((t) => t.name === 'step')!.container!;
  const mount = container.volumeMounts[0]!.mountPath;
  const done = new Set<string>();
  const results: Array<{ task: string; code: number | null; output: string }> = [];
  const tasks = tasksOf(w);
  while (done.size < tasks.length) {
    const ready = tasks.find((t) => !done.has(t.name) && (t.dependencies ?? []).every((d) => done.has(d)));
    assert.ok(ready, `no task can start: ${tasks.map((t) => t.name).join(', ')} (a dependency cycle or an unknown dependency)`);
    const step = ready.arguments.parameters.find((p) => p.name === 'step')!.value;
    const argv = [...container.command, ...container.args].map((a) =>
      a.replaceAll('{{inputs.parameters.step}}', step).replaceAll('{{workflow.name}}', workflowName).replaceAll(mount, workspace),
    );
    assert.equal(argv[0], 'mlpipe');
    const env = { ...process.env, ...Object.fromEntries(container.env.map((e) => [e.name, e.value])) };
    const r = spawnSync(process.execPath, [cliPath, ...argv.slice(1)], { cwd: container.workingDir.replace(mount, workspace), env, encoding: 'utf8', shell: false });
    results.push({ task: ready.name, code: r.status, output: r.stdout + r.stderr });
    assert.equal(r.status, 0, `task ${ready.name} failed:\n${r.stdout}${r.stderr}`);
    done.add(ready.name);
  }
  return results;
}

describe('export to Argo Workflows', () => {
  let workspace = '';
  before(() => {
    ensureBuilt();
    workspace = mkdtempSync(join(tmpdir(), 'mlpipe-argo-'));
    cpSync(join(repoRoot, 'samples', 'basic'), workspace, { recursive: true, filter: (src) => !src.includes('.mlpipe') });
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('maps every enabled component to a DNS-named task with its data dependencies, and runs mlpipe without a shell', () => {
    const text = `pipeline: Churn Model_v2
components:
  ingest_rows: {type: Command, params: {command: [node, a.js, "{{outputs.out}}"]}, outputs: {out: Examples}}
  stats: {type: Command, inputs: {data: ingest_rows.out}, params: {command: [node, b.js]}, outputs: {s: ExampleStatistics}}
  side: {type: Command, params: {command: [node, c.js]}, outputs: {x: Examples}}
  both: {type: Command, inputs: {a: stats.s, b: side.x}, params: {command: [node, d.js]}}
  off: {type: Command, enabled: false, inputs: {a: stats.s}, params: {command: [node, e.js]}, outputs: {y: Examples}}
  after_off: {type: Command, inputs: {y: off.y}, params: {command: [node, f.js]}}
`;
    const loaded = loadPipelineText(join(workspace, 'churn.pipeline.yaml'), text, { catalog: registryCatalog });
    assert.ok(loaded.pipeline, JSON.stringify(loaded.diagnostics));
    const w = argoWorkflow(loaded.pipeline, { pipelinePath: 'pipelines/churn.pipeline.yaml', image: 'registry.example/mlpipe:1', claim: 'ws' }) as unknown as Workflow;
    assert.equal(w.apiVersion, 'argoproj.io/v1alpha1');
    assert.equal(w.kind, 'Workflow');
    assert.equal(w.metadata.generateName, 'churn-model-v2-');
    assert.match(w.metadata.labels['mlpipe/pipeline']!, DNS);
    const tasks = tasksOf(w);
    // Disabled components and what reads from them are left out, as a local run skips them.
    assert.deepEqual(
      tasks.map((t) => [t.name, t.dependencies ?? [], t.arguments.parameters[0]!.value]),
      [
        ['ingest-rows', [], 'ingest_rows'],
        ['stats', ['ingest-rows'], 'stats'],
        ['side', [], 'side'],
        ['both', ['stats', 'side'], 'both'],
      ],
    );
    for (const t of tasks) assert.match(t.name, DNS);
    const container = w.spec.templates.find((t) => t.name === 'step')!.container!;
    assert.deepEqual(container.command, ['mlpipe']);
    assert.deepEqual(container.args, ['run', '/workspace/pipelines/churn.pipeline.yaml', '--step', '{{inputs.parameters.step}}', '--run-id', '{{workflow.name}}', '--root', '/workspace']);
    assert.deepEqual(container.env, [{ name: 'MLPIPE_METADATA_JOURNAL', value: 'delete' }]);
    assert.equal(w.spec.volumes[0]!.persistentVolumeClaim.claimName, 'ws');
    assert.equal(dnsLabel('__'), 'mlpipe');
  });

  it('the exported workflow, run task by task, records one pipeline run with every step, and a second one from cache', () => {
    const exported = spawnSync(process.execPath, [cliPath, 'export', 'basic.pipeline.yaml', '--to', 'argo', '--image', 'registry.example/mlpipe:1'], { cwd: workspace, encoding: 'utf8' });
    assert.equal(exported.status, 0, exported.stderr);
    const w = parse(exported.stdout) as Workflow;
    const first = execute(w, 'basic-x7k2p', workspace);
    assert.deepEqual(first.map((r) => r.task), ['prepare', 'count', 'report']);
    const store = MetadataStore.open(join(workspace, '.mlpipe', 'metadata.sqlite'), { readonly: true });
    try {
      const runs = store.listRuns({ limit: 10 }).items;
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.name, 'basic-x7k2p');
      assert.equal(runs[0]!.executionCount, 3);
      assert.equal(runs[0]!.state, 'COMPLETE');
      // Lineage crosses the processes: report read what count, in another process, wrote.
      const execs = store.runExecutions(runs[0]!.id);
      const count = execs.find((e) => e.nodeId === 'count')!;
      const report = store.execution(execs.find((e) => e.nodeId === 'report')!.id)!;
      const countOut = store.execution(count.id)!.outputs.find((o) => o.key === 'counts')!.artifact.id;
      assert.deepEqual(report.inputs.map((i) => i.artifact.id), [countOut]);
    } finally {
      store.close();
    }
    const second = execute(w, 'basic-q9m4z', workspace);
    for (const r of second) assert.match(r.output, /cached/, `${r.task} should come from cache:\n${r.output}`);
    const again = MetadataStore.open(join(workspace, '.mlpipe', 'metadata.sqlite'), { readonly: true });
    try {
      assert.deepEqual(again.listRuns({ limit: 10 }).items.map((r) => [r.name, r.executionCount]), [
        ['basic-q9m4z', 3],
        ['basic-x7k2p', 3],
      ]);
    } finally {
      again.close();
    }
  });

  it('asks for an image, rejects unknown targets, and reports an invalid pipeline at its line', async () => {
    const noImage = await runCli(['export', 'basic.pipeline.yaml'], workspace);
    assert.equal(noImage.code, 2);
    assert.match(noImage.stderr, /needs --image/);
    const target = await runCli(['export', 'basic.pipeline.yaml', '--to', 'airflow', '--image', 'x'], workspace);
    assert.equal(target.code, 2);
    assert.match(target.stderr, /--to airflow is not supported; targets: argo, kfp/);
    const ws = tempWorkspace();
    try {
      // Data outside the workspace root is not on the workflow's volume: said, but still exported.
      ws.write('outside-rows.csv', 'a,b\n1,2\n');
      const outside = ws.write('project/out.pipeline.yaml', 'pipeline: out\ncomponents:\n  gen: {type: CsvExampleGen, params: {input: ../outside-rows.csv}}\n');
      const warned = await runCli(['export', outside, '--image', 'x', '--root', join(ws.root, 'project')], ws.root);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /warning: gen\.params\.input \(\.\.\/outside-rows\.csv\) is outside the workspace root .*will not find it/);
      assert.match(warned.stdout, /kind: Workflow/);
      const bad = ws.write('bad.pipeline.yaml', 'pipeline: bad\ncomponents:\n  a: {type: Comand}\n');
      const r = await runCli(['export', bad, '--image', 'x'], ws.root);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bad\.pipeline\.yaml:3:\d+/);
    } finally {
      ws.dispose();
    }
  });
});

describe('joining a run with --run-id', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace();
  });
  after(() => ws.dispose());

  it("a step takes its inputs from the same run, not from another run's newer outputs", async () => {
    const token = "require('fs').writeFileSync(process.argv[1]+'/t.txt', String(Math.random()))";
    const copy = "require('fs').copyFileSync(process.argv[1]+'/t.txt', process.argv[2]+'/t.txt')";
    const file = ws.write(
      'join.pipeline.yaml',
      `pipeline: join
components:
  a: {type: Command, params: {command: ${nodeCommand(token, '{{outputs.out}}')}}, outputs: {out: Examples}}
  b: {type: Command, inputs: {x: a.out}, params: {command: ${nodeCommand(copy, '{{inputs.x}}', '{{outputs.out}}')}}, outputs: {out: Examples}}
`,
    );
    const w1 = await runPipeline({ file, scope: { step: 'a' }, runId: 'wf-1' });
    const w2 = await runPipeline({ file, scope: { step: 'a' }, runId: 'wf-2', noCache: true });
    assert.notEqual(w1.steps['a']!.executionId, w2.steps['a']!.executionId);
    const b1 = await runPipeline({ file, scope: { step: 'b' }, runId: 'wf-1' });
    assert.equal(b1.runContextId, w1.runContextId, 'the step joined run wf-1');
    const store = MetadataStore.open(ws.db, { readonly: true });
    try {
      const aOut = (id: number) => store.execution(id)!.outputs[0]!.artifact.id;
      assert.deepEqual(store.execution(b1.steps['b']!.executionId!)!.inputs.map((i) => i.artifact.id), [aOut(w1.steps['a']!.executionId!)]);
      // Without a run to join, the newest outputs are used, as before.
      const loose = await runPipeline({ file, scope: { step: 'b' }, noCache: true });
      assert.deepEqual(store.execution(loose.steps['b']!.executionId!)!.inputs.map((i) => i.artifact.id), [aOut(w2.steps['a']!.executionId!)]);
    } finally {
      store.close();
    }
  });

  it('refuses a run id that is not a plain name', async () => {
    const file = ws.write('plain.pipeline.yaml', `pipeline: plain\ncomponents:\n  a: {type: Command, params: {command: ${nodeCommand('1')}}}\n`);
    const r = await runCli(['run', file, '--run-id', '../x y'], ws.root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /run id "\.\.\/x y" is not usable/);
  });
});
