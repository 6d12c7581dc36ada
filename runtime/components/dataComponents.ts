// Data components on DuckDB: ExampleGen, StatisticsGen, SchemaGen, SchemaImporter, ExampleValidator, Transform.
import type { ComponentSpec } from './spec';
import { csvExampleGenSpec, fileExampleGenSpec } from './exampleGen';
import { exampleValidatorSpec } from './exampleValidator';
import { schemaGenSpec } from './schemaGen';
import { schemaImporterSpec } from './schemaImporter';
import { statisticsGenSpec } from './statisticsGen';
import { transformSpec } from './transform';

export const dataComponents: ComponentSpec[] = [
  csvExampleGenSpec,
  fileExampleGenSpec,
  statisticsGenSpec,
  schemaGenSpec,
  schemaImporterSpec,
  exampleValidatorSpec,
  transformSpec,
];
