// The Importer node (TFX's `tfx.dsl.components.common.importer.Importer`): registers an existing file or
// folder (statistics TFDV wrote, a schema.pbtxt, an ONNX model …) as an artifact, so the components
// after it consume it as if a step had produced it. The orchestrator runs it itself (systemNodes.ts),
// because reusing an earlier import needs the metadata store; importerSource.ts checks the source.
import { IMPORTER_EXECUTION_TYPE } from './importerSource';
import { IMPORTER_RESULT, type ImporterComponentSpec } from './spec';

/** The artifact types an Importer can register, the ones the components here consume first. */
export const IMPORTABLE_ARTIFACT_TYPES = ['Examples', 'ExampleStatistics', 'Schema', 'Model', 'TransformGraph', 'ExampleAnomalies', 'ModelEvaluation', 'ModelBlessing', 'PushedModel'] as const;

export const importerSpec: ImporterComponentSpec = {
  type: 'Importer',
  doc:
    'Registers an existing file or folder as an artifact (TFX’s Importer), marked external and not copied: statistics TFDV wrote (`Split-*/FeatureStats.pb`), a `schema.pbtxt`, a model folder (`model.onnx`, `model.json`, `model.pkl`). Its output is `result`, of the type `artifact_type` names. Without `reimport`, the same source gives the same artifact on every run, so the steps after it stay cached; set `reimport: true` when the files at the source changed.',
  executionType: IMPORTER_EXECUTION_TYPE,
  kind: 'importer',
  inputs: {},
  outputs: {
    [IMPORTER_RESULT]: { type: 'Artifact', doc: 'The imported artifact, of the type `artifact_type` names.' },
  },
  params: {
    source: { type: 'path', required: true, mustExist: 'any', doc: 'The file or folder to import, relative to the pipeline file (TFX: `source_uri`).' },
    artifact_type: { type: 'string', required: true, enum: IMPORTABLE_ARTIFACT_TYPES, doc: 'The artifact type to register it as, e.g. `ExampleStatistics` or `Schema`.' },
    properties: { type: 'object', doc: 'Properties of the artifact: `split_names` (a list; found from the `Split-*` folders when left out) and any custom property (text or numbers).' },
    reimport: { type: 'boolean', default: false, doc: 'Register a new artifact even when this source was imported before (TFX: `reimport`).' },
  },
};
