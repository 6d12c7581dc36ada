// Data components on DuckDB: ExampleGen, StatisticsGen, SchemaGen, SchemaImporter, ExampleValidator, Transform.
import type { ComponentSpec } from './spec';

export const dataComponents: ComponentSpec[] = [];
