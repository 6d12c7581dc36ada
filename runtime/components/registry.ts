// The component registry: every component type a pipeline file may name, in the order the docs list them.
// Each spec file says what the component consumes and produces; its executor sits beside it
// (`<name>.executor.ts`) and is loaded on the component's first run.
import type { ComponentSpec } from './spec';
import { commandComponent } from './command';
import { functionComponent, humanApprovalComponent, resolverComponent } from './customComponents';
import { importerSpec } from './importer';
import { evaluatorSpec } from './evaluator';
import { csvExampleGenSpec, fileExampleGenSpec } from './exampleGen';
import { exampleValidatorSpec } from './exampleValidator';
import { pusherSpec } from './pusher';
import { schemaGenSpec } from './schemaGen';
import { schemaImporterSpec } from './schemaImporter';
import { statisticsGenSpec } from './statisticsGen';
import { trainerSpec } from './trainer';
import { transformSpec } from './transform';

const all: ComponentSpec[] = [
  // Data components on DuckDB.
  csvExampleGenSpec,
  fileExampleGenSpec,
  statisticsGenSpec,
  schemaGenSpec,
  schemaImporterSpec,
  exampleValidatorSpec,
  transformSpec,
  // Model components on TensorFlow.js.
  trainerSpec,
  evaluatorSpec,
  pusherSpec,
  // Any code, and the nodes the orchestrator runs itself (Resolver, HumanApproval, Importer).
  commandComponent,
  functionComponent,
  resolverComponent,
  humanApprovalComponent,
  importerSpec,
];

export const registry: ReadonlyMap<string, ComponentSpec> = new Map(all.map((spec) => [spec.type, spec]));

export function getComponent(type: string): ComponentSpec | undefined {
  return registry.get(type);
}

export function componentTypes(): string[] {
  return [...registry.keys()].sort();
}
