// Output keys and artifact types of the standard components (the DESIGN §5 contract), for the host's
// views: the DAG's ports and which actions a step offers (extension/model/stepActions.ts). A component
// with declared outputs (Command, Function) brings its own in the IR. Pure: no `vscode` import.

export const STANDARD_OUTPUTS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  CsvExampleGen: [['examples', 'Examples']],
  FileExampleGen: [['examples', 'Examples']],
  ImportExampleGen: [['examples', 'Examples']],
  StatisticsGen: [['statistics', 'ExampleStatistics']],
  SchemaGen: [['schema', 'Schema']],
  SchemaImporter: [['schema', 'Schema']],
  ImportSchemaGen: [['schema', 'Schema']],
  ExampleValidator: [['anomalies', 'ExampleAnomalies']],
  Transform: [
    ['transform_graph', 'TransformGraph'],
    ['transformed_examples', 'Examples'],
  ],
  Trainer: [['model', 'Model']],
  Resolver: [
    ['model', 'Model'],
    ['blessing', 'ModelBlessing'],
  ],
  Evaluator: [
    ['evaluation', 'ModelEvaluation'],
    ['blessing', 'ModelBlessing'],
  ],
  HumanApproval: [['approval', 'Approval']],
  Pusher: [['pushed_model', 'PushedModel']],
};
