// Pipelines for the DAG tests and benchmarks: the DESIGN §5 penguin pipeline as the host would send
// it, with hostile strings where users' text can appear, and generated pipelines of any size.
import type { DagGraph, DagNode } from '../../webviews/protocol';

export const HOSTILE = '<img src=x onerror=alert(1)>';
export const SCRIPT_END = '</script><script>alert(2)</script>';

export function penguinGraph(): DagGraph {
  const n = (id: string, type: string, outputs: Array<[string, string]>, enabled = true): DagNode => ({ id, type, enabled, outputs: outputs.map(([key, artifactType]) => ({ key, artifactType })) });
  const nodes = [
    n('example_gen', 'CsvExampleGen', [['examples', 'Examples']]),
    n('statistics_gen', 'StatisticsGen', [['statistics', 'ExampleStatistics']]),
    n('schema_gen', 'SchemaGen', [['schema', 'Schema']]),
    n('example_validator', 'ExampleValidator', [['anomalies', 'ExampleAnomalies']]),
    n('transform', 'Transform', [['transform_graph', 'TransformGraph'], ['transformed_examples', 'Examples']]),
    n('trainer', 'Trainer', [['model', 'Model']]),
    n('latest_blessed', 'Resolver', [['model', 'Model'], ['blessing', 'ModelBlessing']]),
    n('evaluator', 'Evaluator', [['evaluation', 'ModelEvaluation'], ['blessing', 'ModelBlessing']]),
    n('approval', 'HumanApproval', [['approval', 'Approval']]),
    n('pusher', 'Pusher', [['pushed_model', 'PushedModel']]),
    n('custom_report', 'Command', [[`report`, HOSTILE]], false),
  ];
  const e = (from: string, output: string, to: string, input: string, artifactType: string) => ({ from, output, to, input, artifactType });
  return {
    pipeline: `penguin ${HOSTILE}`,
    file: `/work/samples/${SCRIPT_END}/penguin.pipeline.yaml`,
    nodes,
    edges: [
      e('example_gen', 'examples', 'statistics_gen', 'examples', 'Examples'),
      e('statistics_gen', 'statistics', 'schema_gen', 'statistics', 'ExampleStatistics'),
      e('statistics_gen', 'statistics', 'example_validator', 'statistics', 'ExampleStatistics'),
      e('schema_gen', 'schema', 'example_validator', 'schema', 'Schema'),
      e('example_gen', 'examples', 'transform', 'examples', 'Examples'),
      e('schema_gen', 'schema', 'transform', 'schema', 'Schema'),
      e('transform', 'transformed_examples', 'trainer', 'examples', 'Examples'),
      e('transform', 'transform_graph', 'trainer', 'transform_graph', 'TransformGraph'),
      e('example_gen', 'examples', 'evaluator', 'examples', 'Examples'),
      e('trainer', 'model', 'evaluator', 'model', 'Model'),
      e('latest_blessed', 'model', 'evaluator', 'baseline_model', 'Model'),
      e('trainer', 'model', 'approval', 'model', 'Model'),
      e('evaluator', 'blessing', 'approval', 'blessing', 'ModelBlessing'),
      e('trainer', 'model', 'pusher', 'model', 'Model'),
      e('evaluator', 'blessing', 'pusher', 'model_blessing', 'ModelBlessing'),
      e('approval', 'approval', 'pusher', 'approval', 'Approval'),
      e('pusher', 'pushed_model', 'custom_report', 'model', 'PushedModel'),
    ],
  };
}

/**
 * `count` components in `groups` branches (`g<k>_step_<i>`) fed by one ExampleGen: each step reads the
 * previous step of its branch and, every third step, a step of the neighbouring branch one level up
 * (how large feature pipelines look: many parallel chains with some joins).
 */
export function generatedGraph(count: number, groups = 12): DagGraph {
  const nodes: DagNode[] = [{ id: 'source', type: 'CsvExampleGen', enabled: true, outputs: [{ key: 'examples', artifactType: 'Examples' }] }];
  const edges: DagGraph['edges'] = [];
  const idOf = (i: number) => `g${i % groups}_step_${i}`;
  for (let i = 0; i < count - 1; i++) {
    const id = idOf(i);
    nodes.push({ id, type: 'Command', enabled: true, outputs: [{ key: 'out', artifactType: 'Examples' }] });
    if (i < groups) edges.push({ from: 'source', output: 'examples', to: id, input: 'data', artifactType: 'Examples' });
    else edges.push({ from: idOf(i - groups), output: 'out', to: id, input: 'data', artifactType: 'Examples' });
    if (i >= groups && i % 3 === 0) {
      const other = i - groups + 1 - (i % groups === groups - 1 ? groups : 0);
      if (other >= 0 && other < i) edges.push({ from: idOf(other), output: 'out', to: id, input: 'side', artifactType: 'Examples' });
    }
  }
  return { pipeline: `generated-${count}`, file: `/tmp/generated-${count}.pipeline.yaml`, nodes, edges };
}

/** The YAML text of a generated pipeline of Command steps, for parse-to-render latency. */
export function generatedYaml(count: number): string {
  const lines = [`pipeline: generated-${count}`, 'components:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  step_${i}:`, '    type: Command');
    // Four parallel chains, like generatedGraph.
    if (i >= 4) lines.push(`    inputs: {data: step_${i - 4}.out}`);
    lines.push(`    params: {command: [node, step.js, "{{outputs.out}}"]}`, '    outputs: {out: Examples}');
  }
  return lines.join('\n') + '\n';
}
