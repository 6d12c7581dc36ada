// The audit questions for a model, answered from its lineage graph and the artifact files: which data
// trained it, that data's distribution and validation, how it compared with the previous model, who
// approved it and where it was pushed. Pure data + fs (no `vscode`), so it is tested directly.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LineageGraph, LineageNode } from '../../runtime/server/protocol';
import type { AnomalyEntry, AuditArtifactRef, AuditSummary, EvaluationSnapshot, StatisticsHighlight } from '../../webviews/protocol';
import { APPROVAL_DECISION_KEY, type ApprovalVerdict } from '../../common/approval';
import { blessingVerdict } from '../../common/blessing';
import { buildRows } from '../../common/featureRows';
import { readAnomalies, readEvaluation, readFeatureStats, splitsIn } from './artifactPayloads';

export function nodeKey(n: LineageNode): string {
  return `${n.kind === 'artifact' ? 'a' : 'e'}${n.id}`;
}

function ref(n: LineageNode): AuditArtifactRef {
  return { artifactId: n.id, type: n.type, uri: n.uri ?? '', label: n.label || `${n.type} ${n.id}` };
}

class GraphIndex {
  readonly byKey = new Map<string, LineageNode>();
  constructor(readonly graph: LineageGraph) {
    for (const n of graph.nodes) this.byKey.set(nodeKey(n), n);
  }
  /** Execution that output an artifact. */
  producer(artifactKey: string): LineageNode | undefined {
    const e = this.graph.edges.find((x) => x.to === artifactKey && x.from.startsWith('e'));
    return e ? this.byKey.get(e.from) : undefined;
  }
  inputs(execKey: string): LineageNode[] {
    return this.graph.edges.filter((x) => x.to === execKey).map((x) => this.byKey.get(x.from)).filter((n): n is LineageNode => Boolean(n));
  }
  outputs(execKey: string): LineageNode[] {
    return this.graph.edges.filter((x) => x.from === execKey).map((x) => this.byKey.get(x.to)).filter((n): n is LineageNode => Boolean(n));
  }
  consumers(artifactKey: string): LineageNode[] {
    return this.graph.edges.filter((x) => x.from === artifactKey).map((x) => this.byKey.get(x.to)).filter((n): n is LineageNode => Boolean(n));
  }
  /** Every node upstream of `key`. */
  upstream(key: string): LineageNode[] {
    const seen = new Set<string>();
    const stack = [key];
    while (stack.length) {
      const k = stack.pop()!;
      for (const e of this.graph.edges) if (e.to === k && !seen.has(e.from)) {
        seen.add(e.from);
        stack.push(e.from);
      }
    }
    return [...seen].map((k) => this.byKey.get(k)).filter((n): n is LineageNode => Boolean(n));
  }
}

/** Statistics highlights worth a reviewer's glance: the same flags as the statistics view. */
export function statisticsHighlights(uri: string, anomaliesUri?: string): { numExamples: Record<string, number>; highlights: StatisticsHighlight[]; anomalies: Array<AnomalyEntry & { split: string }> } {
  const numExamples: Record<string, number> = {};
  const highlights: StatisticsHighlight[] = [];
  const anomalies: Array<AnomalyEntry & { split: string }> = [];
  for (const split of splitsIn(uri)) {
    let dataset;
    try {
      dataset = readFeatureStats(uri, split);
    } catch {
      continue;
    }
    numExamples[split] = dataset.numExamples;
    const found = anomaliesUri ? readAnomalies(anomaliesUri, split) : [];
    anomalies.push(...found.map((a) => ({ ...a, split })));
    for (const row of buildRows(dataset, null, [])) {
      for (const flag of row.flags) highlights.push({ feature: row.name, split, level: flag.level, message: flag.kind === 'high-missing' ? `${Math.round(row.missingFraction * 100)}% missing` : flag.text });
    }
  }
  return { numExamples, highlights, anomalies };
}

function isType(n: LineageNode, ...types: string[]): boolean {
  return types.some((t) => n.type === t || n.type.endsWith(`.${t}`));
}

function blessingOf(n: LineageNode | undefined): boolean | null {
  if (!n) return null;
  const verdict = blessingVerdict(n.customProperties);
  if (verdict !== null) return verdict;
  if (n.uri && existsSync(join(n.uri, 'BLESSED'))) return true;
  if (n.uri && existsSync(join(n.uri, 'NOT_BLESSED'))) return false;
  return null;
}

function decisionOf(n: LineageNode): ApprovalVerdict | null {
  const d = String(n.customProperties['decision'] ?? n.customProperties[APPROVAL_DECISION_KEY] ?? '');
  return d === 'approved' || d === 'rejected' ? d : null;
}

function timeOf(n: LineageNode): number {
  const t = Date.parse(String(n.customProperties['decided_at'] ?? ''));
  return Number.isFinite(t) ? t : 0;
}

/** Merge graphs (by node key and edge endpoints), keeping `base`'s root. */
export function mergeGraphs(base: LineageGraph, ...more: LineageGraph[]): LineageGraph {
  const nodes = new Map(base.nodes.map((n) => [nodeKey(n), n]));
  const edges = new Map(base.edges.map((e) => [`${e.from}>${e.to}>${e.key}`, e]));
  for (const g of more) {
    for (const n of g.nodes) if (!nodes.has(nodeKey(n))) nodes.set(nodeKey(n), n);
    for (const e of g.edges) edges.set(`${e.from}>${e.to}>${e.key}`, e);
  }
  return { root: base.root, nodes: [...nodes.values()], edges: [...edges.values()] };
}

/**
 * The training data's statistics and validation hang off the Examples, beside the model's own
 * lineage: the ids of upstream Examples whose downstream the host should add before `buildAudit`.
 */
export function trainingExamples(graph: LineageGraph): number[] {
  const model = findModel(graph);
  if (!model) return [];
  const index = new GraphIndex(graph);
  return index.upstream(nodeKey(model)).filter((n) => n.kind === 'artifact' && isType(n, 'Examples')).map((n) => n.id);
}

export interface AuditResult {
  audit: AuditSummary;
  /** The model's evaluation, read in full (the approval panel shows it). */
  evaluation: EvaluationSnapshot | null;
  anomalies: Array<AnomalyEntry & { split: string }>;
}

/** The model the lineage is about: the root if it is one, else the model upstream (pushed model, blessing …) or downstream. */
export function findModel(graph: LineageGraph): LineageNode | undefined {
  const index = new GraphIndex(graph);
  const root = index.byKey.get(graph.root);
  if (root && isType(root, 'Model')) return root;
  const up = index.upstream(graph.root).find((n) => n.kind === 'artifact' && isType(n, 'Model'));
  return up ?? graph.nodes.find((n) => n.kind === 'artifact' && isType(n, 'Model'));
}

export function buildAudit(graph: LineageGraph): AuditResult | null {
  const index = new GraphIndex(graph);
  const model = findModel(graph);
  if (!model) return null;
  const modelKey = nodeKey(model);
  const trainer = index.producer(modelKey);
  const upstream = index.upstream(modelKey);
  // Training data: the Examples the trainer read, and the source Examples they came from.
  const trainingData = [
    ...(trainer ? index.inputs(nodeKey(trainer)).filter((n) => isType(n, 'Examples')) : []),
    ...upstream.filter((n) => n.kind === 'artifact' && isType(n, 'Examples') && !index.producer(nodeKey(n))?.type.match(/Transform/)),
  ];
  const uniqueData = [...new Map(trainingData.map((n) => [n.id, n])).values()];
  const statistics = upstream.find((n) => n.kind === 'artifact' && isType(n, 'ExampleStatistics'))
    ?? graph.nodes.find((n) => n.kind === 'artifact' && isType(n, 'ExampleStatistics'));
  const anomaliesNode = graph.nodes.find((n) => n.kind === 'artifact' && isType(n, 'ExampleAnomalies'));
  const stats = statistics?.uri ? statisticsHighlights(statistics.uri, anomaliesNode?.uri) : { numExamples: {}, highlights: [], anomalies: [] };
  const anomalyEntries = anomaliesNode?.uri ? splitsIn(anomaliesNode.uri).flatMap((split) => readAnomalies(anomaliesNode.uri!, split).map((a) => ({ ...a, split }))) : stats.anomalies;
  // Evaluation: the Evaluator that read this model as its candidate.
  const consumers = index.consumers(modelKey);
  // The newest Evaluator that read it: a model evaluated again (cached Trainer, now with a baseline) shows its latest evaluation.
  const evaluator = consumers.filter((e) => e.kind === 'execution' && /Evaluator/.test(e.type)).sort((a, b) => b.id - a.id)[0];
  const evalOutputs = evaluator ? index.outputs(nodeKey(evaluator)) : [];
  const evaluationNode = evalOutputs.find((n) => isType(n, 'ModelEvaluation'));
  const blessingNode = evalOutputs.find((n) => isType(n, 'ModelBlessing'));
  let evaluation: EvaluationSnapshot | null = null;
  if (evaluationNode?.uri) {
    try {
      evaluation = { ...readEvaluation(evaluationNode.uri, evaluationNode.label || 'evaluation'), artifactId: evaluationNode.id, uri: evaluationNode.uri, blessed: blessingOf(blessingNode) };
    } catch {
      evaluation = null;
    }
  }
  const comparison = evaluation
    ? Object.keys(evaluation.candidate.overall).map((metric) => ({ metric, candidate: evaluation!.candidate.overall[metric] ?? null, baseline: evaluation!.baseline?.overall[metric] ?? null }))
    : [];
  // Approval: the HumanApproval execution that read this model, and its Approval artifact.
  const approvalExec = consumers.find((e) => e.kind === 'execution' && /HumanApproval|ManualNode|Approval/.test(e.type));
  const approvalArtifact = approvalExec ? index.outputs(nodeKey(approvalExec)).find((n) => isType(n, 'Approval')) : undefined;
  const decided = approvalArtifact ?? approvalExec;
  let approval: AuditSummary['approval'] = null;
  if (decided) {
    const d = decisionOf(decided);
    approval = d
      ? { decision: d, reviewer: String(decided.customProperties['approved_by'] ?? 'unknown'), comment: String(decided.customProperties['comment'] ?? ''), time: timeOf(decided) }
      : { decision: 'waiting', reviewer: '', comment: '', time: 0 };
  }
  const pushed = graph.nodes.filter((n) => n.kind === 'artifact' && isType(n, 'PushedModel'));
  return {
    audit: {
      model: ref(model),
      trainingData: uniqueData.map(ref),
      distribution: { statistics: statistics ? ref(statistics) : null, numExamples: stats.numExamples, highlights: stats.highlights },
      dataValidation: { anomalies: anomaliesNode ? ref(anomaliesNode) : null, entries: anomalyEntries },
      evaluation: { evaluation: evaluationNode ? ref(evaluationNode) : null, blessed: blessingOf(blessingNode), comparison },
      approval,
      pushed: pushed.map(ref),
    },
    evaluation,
    anomalies: anomalyEntries,
  };
}
