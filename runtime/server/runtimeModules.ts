// The runtime modules the server wraps, loaded on first use: `serve` answers `hello` at once, and
// DuckDB, TF.js and SQLite load only when a request needs them. esbuild bundles each
// `require` below lazily; the types are the modules' own, so there is no second copy of their APIs.
import type * as Definition from '../definition/load';
import type * as Schema from '../definition/jsonSchema';
import type * as Metadata from '../metadata/store';
import type * as Run from '../orchestrator/run';
import type * as Approval from '../orchestrator/approval';
import type * as StepStatusModule from '../orchestrator/stepStatus';
import type * as RunRecordModule from '../orchestrator/runRecord';
import type * as ArgoExport from '../export/argoWorkflow';
import type * as EditorExport from '../export/editorExport';
import type * as Registry from '../components/registry';
import type * as Completion from '../definition/completionWithData';
import type * as FeatureChecks from '../definition/featureChecks';
import type * as RunComparison from './runComparison';

export type MetadataStore = Metadata.MetadataStore;

function cached<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const definitionModule = cached(() => require('../definition/load') as typeof Definition);
export const schemaModule = cached(() => require('../definition/jsonSchema') as typeof Schema);
export const metadataModule = cached(() => require('../metadata/store') as typeof Metadata);
export const runModule = cached(() => require('../orchestrator/run') as typeof Run);
export const stepStatusModule = cached(() => require('../orchestrator/stepStatus') as typeof StepStatusModule);
export const runRecordModule = cached(() => require('../orchestrator/runRecord') as typeof RunRecordModule);
export const approvalModule = cached(() => require('../orchestrator/approval') as typeof Approval);
export const argoExportModule = cached(() => require('../export/argoWorkflow') as typeof ArgoExport);
export const editorExportModule = cached(() => require('../export/editorExport') as typeof EditorExport);
export const registryModule = cached(() => require('../components/registry') as typeof Registry);
export const completionModule = cached(() => require('../definition/completionWithData') as typeof Completion);
export const featureChecksModule = cached(() => require('../definition/featureChecks') as typeof FeatureChecks);
export const runComparisonModule = cached(() => require('./runComparison') as typeof RunComparison);
/* eslint-enable @typescript-eslint/no-require-imports */
