// The host-side data shaping behind the panels, without VS Code: payload files into protocol shapes,
// the pipeline IR into the DAG, distances and flags of the statistics view, the audit summary from a
// lineage graph and real artifact files in a temp folder, and the page's CSP.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, readFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAnomalies, parseEvaluation, parseFeatureStats, PayloadError, readFeatureStats, readJsonFile, splitsIn } from '../../extension/panels/artifactPayloads';
import { componentAt, graphFor, stateOfExecution, toDagGraph, toDagProblems } from '../../extension/panels/dagGraph';
import { buildAudit, mergeGraphs, trainingExamples } from '../../extension/panels/auditSummary';
import { contentSecurityPolicy, webviewHtml } from '../../extension/panels/html';
import { buildRows, sortRows } from '../../common/featureRows';
import { collapseGraph, groupStatus, sameShape } from '../../webviews/dag/collapseGraph';
import type { LineageSnapshot } from '../../webviews/protocol';
import { generatedGraph, generatedYaml, penguinGraph } from '../webviews/syntheticPipelines';
import { parsePipelineText } from '../../runtime/definition/parse';
import { checkPipelineText } from '../../runtime/definition/pipelineText';
import { registryCatalog as realRegistry } from '../../runtime/components/registryCatalog';

const FIX = join(__dirname, '..', 'webviews', 'fixtures');
const ROOT = join(__dirname, '../..');

describe('artifact payloads', () => {
  it('reads FeatureStats.json in snake_case with 64-bit ints as strings and proto3 defaults omitted', () => {
    const ds = parseFeatureStats(readJsonFile(join(FIX, 'FeatureStats.train.json')), 'train');
    assert.equal(ds.numExamples, 258);
    const body = ds.features.find((f) => f.name === 'body_mass_g')!;
    assert.equal(body.type, 'INT', 'omitted type is INT (enum 0)');
    assert.equal(body.num?.common.numNonMissing, 257);
    assert.equal(body.num?.histograms.length, 2);
    assert.equal(body.num?.histograms[1]?.type, 'QUANTILES');
    const island = ds.features.find((f) => f.name === 'island')!;
    assert.equal(island.type, 'STRING');
    assert.deepEqual(island.string?.topValues.map((t) => t.value), ['Biscoe', 'Dream', 'Torgersen']);
  });

  it('reads the lowerCamelCase JSON protobuf printers write, with numeric enums', () => {
    const ds = parseFeatureStats(
      { datasets: [{ numExamples: '3', features: [{ path: { step: ['a', 'b'] }, type: 1, numStats: { commonStats: { numNonMissing: '3' }, mean: 2, histograms: [{ type: 1, buckets: [{ lowValue: 1, highValue: 3, sampleCount: 3 }] }] } }] }] },
      'x',
    );
    assert.equal(ds.features[0]!.name, 'a.b');
    assert.equal(ds.features[0]!.type, 'FLOAT');
    assert.equal(ds.features[0]!.num!.histograms[0]!.type, 'QUANTILES');
    assert.equal(ds.features[0]!.num!.min, 0, 'omitted min defaults to 0');
  });

  it('says which file is wrong and what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-payload-'));
    try {
      mkdirSync(join(dir, 'Split-train'));
      writeFileSync(join(dir, 'Split-train', 'FeatureStats.json'), '{"datasets": [');
      assert.throws(() => readFeatureStats(dir, 'train'), (e: unknown) => e instanceof PayloadError && e.message.includes('Split-train/FeatureStats.json is not valid JSON') && /Re-run/.test(e.message));
      assert.throws(() => readFeatureStats(dir, 'eval'), /does not exist\. Was the step that writes it run/);
      assert.throws(() => parseFeatureStats({ nope: 1 }, 'f.json'), /f\.json: no "datasets"/);
      mkdirSync(join(dir, 'Split-eval'));
      mkdirSync(join(dir, 'Split-a'));
      assert.deepEqual(splitsIn(dir), ['train', 'eval', 'a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads TFDV anomalies and plain anomaly lists', () => {
    const tfdv = parseAnomalies(readJsonFile(join(FIX, 'anomalies.eval.json')), 'a');
    const body = tfdv.find((a) => a.feature === 'body_mass_g')!;
    assert.deepEqual([body.severity, body.types, body.shortDescription], ['ERROR', ['SCHEMA_MISSING_COLUMN'], 'Column dropped']);
    const list = parseAnomalies([{ feature: 'x', type: 'FEATURE_TYPE_LOW_FRACTION_PRESENT', severity: 'WARNING', description: 'd' }], 'b');
    assert.deepEqual(list, [{ feature: 'x', severity: 'WARNING', types: ['FEATURE_TYPE_LOW_FRACTION_PRESENT'], description: 'd' }]);
  });

  it("reads the runtime's validation.json: thresholds recovered from failures, null validation_ok means not validated", () => {
    const metrics = readJsonFile(join(FIX, 'metrics.json'));
    const failed = parseEvaluation(metrics, { validation_ok: false, failures: [{ slice: { island: 'Dream' }, metric: 'accuracy', kind: 'value', value: 0.5, threshold: { lower_bound: 0.6 }, message: 'too low' }] }, 'm', 'l');
    assert.equal(failed.validationOk, false);
    assert.deepEqual(failed.thresholds, [{ metric: 'accuracy', lowerBound: 0.6 }]);
    assert.deepEqual(failed.failures, [{ slice: { island: 'Dream' }, metric: 'accuracy', value: 0.5, message: 'too low' }]);
    const unvalidated = parseEvaluation(metrics, { validation_ok: null, validated: false, failures: [] }, 'm', 'l');
    assert.equal(unvalidated.validationOk, null);
    assert.equal(parseEvaluation(metrics, undefined, 'm', 'l').validationOk, null);
    assert.equal(failed.candidate.slices.length, 6);
    assert.equal(failed.baseline?.overall['accuracy'], 0.9);
    assert.throws(() => parseEvaluation({}, undefined, 'metrics.json', 'l'), /metrics\.json has no "candidate"/);
  });
});

describe('pipeline graph', () => {
  const yaml = readFileSync(join(FIX, 'penguin.pipeline.yaml'), 'utf8');

  it('turns the DESIGN penguin pipeline into nodes with typed output ports and edges', () => {
    const result = parsePipelineText('/w/penguin.pipeline.yaml', yaml);
    const graph = toDagGraph(result.pipeline!);
    assert.equal(graph.nodes.length, 10);
    assert.deepEqual(graph.nodes.find((n) => n.id === 'transform')!.outputs, [
      { key: 'transform_graph', artifactType: 'TransformGraph' },
      { key: 'transformed_examples', artifactType: 'Examples' },
    ]);
    const edge = graph.edges.find((e) => e.to === 'evaluator' && e.input === 'baseline_model')!;
    assert.deepEqual(edge, { from: 'latest_blessed', output: 'model', to: 'evaluator', input: 'baseline_model', artifactType: 'Model' });
    assert.equal(graph.edges.length, 16);
    // The cursor inside the trainer's block highlights it.
    const trainer = result.pipeline!.components.find((c) => c.id === 'trainer')!;
    assert.equal(componentAt(result.pipeline, trainer.range!.start.line + 1, 6), 'trainer');
    assert.equal(componentAt(result.pipeline, 1, 1), null);
  });

  it('shows every component that could be read while one has an error, the broken one marked', () => {
    const typo = parsePipelineText('/w/p.pipeline.yaml', yaml.replace('type: Trainer', 'type: Trainr'));
    assert.notEqual(yaml.replace('type: Trainer', 'type: Trainr'), yaml);
    const result = checkPipelineText('/w/p.pipeline.yaml', yaml.replace('type: Trainer', 'type: Trainr'), { catalog: realRegistry, checkPaths: false });
    assert.ok(typo.pipeline);
    const graph = graphFor(result);
    assert.ok(graph, 'a typo in one type keeps the graph');
    assert.equal(graph.nodes.length, result.pipeline!.components.length);
    const broken = graph.nodes.filter((n) => n.broken);
    assert.deepEqual(broken.map((n) => n.id), ['trainer']);
    assert.match(broken[0].broken ?? '', /Unknown component type `Trainr`/);
  });

  it('keeps no graph while nothing could be read, but reports the errors with positions', () => {
    const broken = parsePipelineText('/w/p.pipeline.yaml', yaml.replace('components:', 'components: [\n'));
    assert.equal(graphFor({ ...broken, diagnostics: broken.diagnostics }), null);
    const problems = toDagProblems(broken);
    assert.ok(problems.length > 0 && problems.every((p) => p.line >= 1 && p.column >= 1));
  });

  it('declared outputs of Command components become ports', () => {
    const result = parsePipelineText('/w/g.pipeline.yaml', generatedYaml(8));
    const graph = toDagGraph(result.pipeline!);
    assert.deepEqual(graph.nodes[5]!.outputs, [{ key: 'out', artifactType: 'Examples' }]);
    assert.deepEqual(graph.edges.map((e) => `${e.from}>${e.to}`), ['step_0>step_4', 'step_1>step_5', 'step_2>step_6', 'step_3>step_7']);
  });

  it('maps MLMD executions to node states, waiting approvals included', () => {
    const base = { id: 4, nodeId: 'x', type: 't', createTime: 0, updateTime: 10, durationMs: 10, properties: {}, customProperties: {} };
    assert.deepEqual(stateOfExecution({ ...base, state: 'CACHED' }), { state: 'cached', durationMs: 10, executionId: 4, reason: undefined });
    assert.equal(stateOfExecution({ ...base, state: 'RUNNING', waiting: true }).state, 'waiting');
    assert.equal(stateOfExecution({ ...base, state: 'FAILED', error: 'boom' }).reason, 'boom');
  });

  it('collapses beyond 300 components by id prefix, keeping edges between groups', () => {
    const small = collapseGraph(generatedGraph(300));
    assert.equal(small.groups.size, 0);
    const big = collapseGraph(generatedGraph(600, 10));
    assert.equal(big.graph.nodes.length, 11);
    assert.equal(big.groups.get('g3_*')!.length, 60);
    assert.ok(big.graph.edges.every((e) => e.from !== e.to));
    assert.ok(big.graph.edges.some((e) => e.from === 'source' && e.to === 'g0_*'));
    assert.deepEqual(groupStatus(['a', 'b', 'c'], { a: { state: 'complete' }, b: { state: 'failed' }, c: { state: 'running' } }), { state: 'failed' });
    assert.ok(sameShape(penguinGraph(), penguinGraph()));
    const renamed = penguinGraph();
    renamed.nodes[1]!.type = 'Other';
    assert.ok(!sameShape(penguinGraph(), renamed));
  });
});

describe('statistics flags', () => {
  it('flags a dropped column, drift and anomalies, and sorts the most distant features first', () => {
    const train = parseFeatureStats(readJsonFile(join(FIX, 'FeatureStats.train.json')), 't');
    const evalDs = parseFeatureStats(readJsonFile(join(FIX, 'FeatureStats.eval.json')), 'e');
    const anomalies = parseAnomalies(readJsonFile(join(FIX, 'anomalies.eval.json')), 'a');
    const rows = sortRows(buildRows(evalDs, train, anomalies), 'distance');
    const body = rows.find((r) => r.name === 'body_mass_g')!;
    // The anomaly's flag says what was measured, not TFDV's short description ("Column dropped").
    assert.deepEqual(body.flags.map((f) => f.text), ['dropped: missing from this dataset', 'not in the data']);
    assert.equal(body.flags[1]!.type, 'SCHEMA_MISSING_COLUMN');
    // Features with anomalies come first whatever the sort, also by name.
    const byName = sortRows(buildRows(evalDs, train, anomalies), 'name');
    const flagged = byName.filter((r) => r.anomalies.length > 0).length;
    assert.ok(flagged > 0 && byName.slice(0, flagged).every((r) => r.anomalies.length > 0), byName.map((r) => r.name).join());
    assert.ok(rows.find((r) => r.name === 'island')!.flags.some((f) => f.text === 'drift'));
    assert.ok(!rows.find((r) => r.name === 'species')!.flags.some((f) => f.text === 'drift'));
    assert.equal(rows[0]!.name, 'body_mass_g');
    // After the features with anomalies (which come first), the most distant first.
    const distances = rows.filter((r) => r.main && r.compare && r.anomalies.length === 0).map((r) => r.distance!);
    assert.deepEqual(distances, [...distances].sort((a, b) => b - a));
    assert.ok(buildRows(train, null, []).find((r) => r.name === 'sex')!.flags.some((f) => f.kind === 'high-missing' && f.text === 'high missing'));
  });
});

describe('audit summary', () => {
  it('answers the audit questions from a lineage graph and the artifact files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-audit-'));
    try {
      const snap = JSON.parse(readFileSync(join(FIX, 'lineage.json'), 'utf8')) as LineageSnapshot;
      // Point the artifacts at real folders holding the fixture payloads.
      for (const n of snap.graph.nodes) if (n.uri) n.uri = join(dir, relative('/ws', n.uri));
      const uriOf = (id: number) => snap.graph.nodes.find((n) => n.kind === 'artifact' && n.id === id)!.uri!;
      for (const [split, file] of [['train', 'FeatureStats.train.json'], ['eval', 'FeatureStats.eval.json']] as const) {
        mkdirSync(join(uriOf(2), `Split-${split}`), { recursive: true });
        copyFileSync(join(FIX, file), join(uriOf(2), `Split-${split}`, 'FeatureStats.json'));
      }
      mkdirSync(join(uriOf(4), 'Split-eval'), { recursive: true });
      copyFileSync(join(FIX, 'anomalies.eval.json'), join(uriOf(4), 'Split-eval', 'anomalies.json'));
      mkdirSync(uriOf(8), { recursive: true });
      copyFileSync(join(FIX, 'metrics.json'), join(uriOf(8), 'metrics.json'));
      mkdirSync(uriOf(9), { recursive: true });
      writeFileSync(join(uriOf(9), 'BLESSED'), '');
      const approval = snap.graph.nodes.find((n) => n.kind === 'artifact' && n.type === 'Approval')!;
      approval.customProperties = { decision: 'approved', approved_by: 'alice', comment: 'ok', decided_at: '2026-11-27T09:30:00.000Z' };
      const result = buildAudit(snap.graph)!;
      const a = result.audit;
      assert.equal(a.model?.artifactId, 7);
      assert.deepEqual(a.trainingData.map((d) => d.artifactId).sort(), [1, 6]);
      assert.deepEqual(a.distribution.numExamples, { train: 258, eval: 86 });
      assert.ok(a.distribution.highlights.some((h) => h.feature === 'sex' && h.split === 'train' && /12% missing/.test(h.message)));
      assert.deepEqual(a.dataValidation.entries.map((e) => `${e.feature}/${e.split}`).sort(), ['<img src=x onerror=alert(1)>/eval', 'body_mass_g/eval', 'sex/eval']);
      assert.equal(a.evaluation.blessed, true);
      assert.deepEqual(a.evaluation.comparison.find((c) => c.metric === 'accuracy'), { metric: 'accuracy', candidate: 0.93, baseline: 0.9 });
      assert.deepEqual(a.approval, { decision: 'approved', reviewer: 'alice', comment: 'ok', time: Date.parse('2026-11-27T09:30:00.000Z') });
      assert.deepEqual(a.pushed.map((p) => p.artifactId), [11]);
      // The model's own lineage lacks the statistics computed beside it: the host adds them from the training Examples.
      const withoutStats = { ...snap.graph, nodes: snap.graph.nodes.filter((n) => n.type !== 'ExampleStatistics'), edges: snap.graph.edges.filter((e) => e.from !== 'a2' && e.to !== 'a2') };
      assert.equal(buildAudit(withoutStats)!.audit.distribution.statistics, null);
      assert.deepEqual(trainingExamples(withoutStats).sort(), [1, 6]);
      const merged = mergeGraphs(withoutStats, snap.graph);
      assert.equal(merged.root, 'a7');
      assert.equal(merged.nodes.length, snap.graph.nodes.length);
      assert.equal(buildAudit(merged)!.audit.distribution.statistics?.artifactId, 2);
      // Traced from the pushed model, the audit is about the same model.
      assert.equal(buildAudit({ ...snap.graph, root: 'a11' })!.audit.model?.artifactId, 7);
      // Evaluated again (a cached Trainer, now with a baseline): the newest Evaluator's evaluation wins.
      const evaluator = snap.graph.nodes.find((n) => n.kind === 'execution' && /Evaluator/.test(n.type))!;
      const again = { ...evaluator, id: 900 };
      const newer = { ...snap.graph.nodes.find((n) => n.kind === 'artifact' && n.id === 8)!, id: 908, uri: join(dir, 'evaluation-908') };
      mkdirSync(newer.uri, { recursive: true });
      writeFileSync(join(newer.uri, 'metrics.json'), JSON.stringify({ candidate: { overall: { accuracy: 0.97 }, slices: [] }, baseline: { overall: { accuracy: 0.93 }, slices: [] } }));
      const twice = { ...snap.graph, nodes: [...snap.graph.nodes, again, newer], edges: [...snap.graph.edges, { from: 'a7', to: 'e900', type: 'INPUT' as const, key: 'model' }, { from: 'e900', to: 'a908', type: 'OUTPUT' as const, key: 'evaluation' }] };
      assert.equal(buildAudit(twice)!.evaluation?.artifactId, 908);
      assert.equal(buildAudit(twice)!.evaluation?.baseline?.overall['accuracy'], 0.93);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('webview page', () => {
  it('allows only nonce scripts, blob workers and its own origin; escapes everything', () => {
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'N1');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N1'(;|$)/);
    assert.match(csp, /worker-src blob:/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = webviewHtml({ view: 'dag', title: '</title><script>alert(1)</script>', scriptUri: 'https://x/a.js?"><script>', cspSource: 'https://x', nonce: 'N1' });
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;'));
  });

  it('webview code imports only the protocol, its own files and browser packages (never vscode or runtime code)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) files.push(p);
      }
    };
    walk(join(ROOT, 'webviews'));
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^'"]*['"]([^'"]+)['"]/gm)) {
        const [, isType, spec] = m;
        const ok = spec!.startsWith('./') || (spec!.startsWith('../') && !spec!.includes('runtime/')) || spec!.startsWith('@vscode-elements/') || spec!.startsWith('elkjs/') || ['markdown-it', 'vega', 'vega-lite', 'vega-interpreter'].includes(spec!) || (isType && spec!.includes('runtime/'));
        assert.ok(ok, `${relative(ROOT, f)} imports ${spec}`);
        assert.notEqual(spec, 'vscode');
      }
    }
  });
});
