// The ML Metadata (MLMD) schema-version-10 layout on SQLite, and the enum values stored in its columns.
// The statement text follows ml-metadata's `metadata_source_query_config.cc` (kBaseQueryConfig +
// kSQLiteMetadataSourceQueryConfig.secondary_indices) and the order of `InitMetadataSource`, so that
// `sqlite_master` of a file we create is identical to one MLMD creates (tfx-reference §1).

export const SCHEMA_VERSION = 10;

/** CREATE TABLE statements in MLMD's creation order (Type, TypeProperty, ParentType, Artifact, …). */
export const V10_TABLES: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: 'Type',
    sql:
      'CREATE TABLE IF NOT EXISTS `Type` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `name` VARCHAR(255) NOT NULL,' +
      '    `version` VARCHAR(255),    `type_kind` TINYINT(1) NOT NULL,    `description` TEXT,    `input_type` TEXT,' +
      '    `output_type` TEXT,    `external_id` VARCHAR(255) UNIQUE )',
  },
  {
    name: 'TypeProperty',
    sql:
      'CREATE TABLE IF NOT EXISTS `TypeProperty` (    `type_id` INT NOT NULL,    `name` VARCHAR(255) NOT NULL,' +
      '    `data_type` INT NULL,  PRIMARY KEY (`type_id`, `name`))',
  },
  {
    name: 'ParentType',
    sql:
      'CREATE TABLE IF NOT EXISTS `ParentType` (    `type_id` INT NOT NULL,    `parent_type_id` INT NOT NULL,' +
      '  PRIMARY KEY (`type_id`, `parent_type_id`))',
  },
  {
    name: 'Artifact',
    sql:
      'CREATE TABLE IF NOT EXISTS `Artifact` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `type_id` INT NOT NULL,' +
      '    `uri` TEXT,    `state` INT,    `name` VARCHAR(255),    `external_id` VARCHAR(255) UNIQUE,' +
      '    `create_time_since_epoch` INT NOT NULL DEFAULT 0,    `last_update_time_since_epoch` INT NOT NULL DEFAULT 0,' +
      '    UNIQUE(`type_id`, `name`)  )',
  },
  { name: 'ArtifactProperty', sql: propertyTable('ArtifactProperty', 'artifact_id') },
  {
    name: 'Execution',
    sql:
      'CREATE TABLE IF NOT EXISTS `Execution` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `type_id` INT NOT NULL,' +
      '    `last_known_state` INT,    `name` VARCHAR(255),    `external_id` VARCHAR(255) UNIQUE,' +
      '    `create_time_since_epoch` INT NOT NULL DEFAULT 0,    `last_update_time_since_epoch` INT NOT NULL DEFAULT 0,' +
      '    UNIQUE(`type_id`, `name`)  )',
  },
  { name: 'ExecutionProperty', sql: propertyTable('ExecutionProperty', 'execution_id') },
  {
    name: 'Event',
    sql:
      'CREATE TABLE IF NOT EXISTS `Event` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `artifact_id` INT NOT NULL,' +
      '    `execution_id` INT NOT NULL,    `type` INT NOT NULL,    `milliseconds_since_epoch` INT,' +
      '    UNIQUE(`artifact_id`, `execution_id`, `type`)  )',
  },
  {
    name: 'EventPath',
    sql:
      'CREATE TABLE IF NOT EXISTS `EventPath` (    `event_id` INT NOT NULL,    `is_index_step` TINYINT(1) NOT NULL,' +
      '    `step_index` INT,    `step_key` TEXT  )',
  },
  { name: 'MLMDEnv', sql: 'CREATE TABLE IF NOT EXISTS `MLMDEnv` (    `schema_version` INTEGER PRIMARY KEY  )' },
  {
    name: 'Context',
    sql:
      'CREATE TABLE IF NOT EXISTS `Context` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `type_id` INT NOT NULL,' +
      '    `name` VARCHAR(255) NOT NULL,    `external_id` VARCHAR(255) UNIQUE,' +
      '    `create_time_since_epoch` INT NOT NULL DEFAULT 0,    `last_update_time_since_epoch` INT NOT NULL DEFAULT 0,' +
      '    UNIQUE(`type_id`, `name`)  )',
  },
  { name: 'ContextProperty', sql: propertyTable('ContextProperty', 'context_id') },
  {
    name: 'ParentContext',
    sql:
      'CREATE TABLE IF NOT EXISTS `ParentContext` (    `context_id` INT NOT NULL,    `parent_context_id` INT NOT NULL,' +
      '  PRIMARY KEY (`context_id`, `parent_context_id`))',
  },
  {
    name: 'Association',
    sql:
      'CREATE TABLE IF NOT EXISTS `Association` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `context_id` INT NOT NULL,' +
      '    `execution_id` INT NOT NULL,    UNIQUE(`context_id`, `execution_id`)  )',
  },
  {
    name: 'Attribution',
    sql:
      'CREATE TABLE IF NOT EXISTS `Attribution` (    `id` INTEGER PRIMARY KEY AUTOINCREMENT,    `context_id` INT NOT NULL,' +
      '    `artifact_id` INT NOT NULL,    UNIQUE(`context_id`, `artifact_id`)  )',
  },
];

function propertyTable(table: string, owner: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS \`${table}\` (    \`${owner}\` INT NOT NULL,    \`name\` VARCHAR(255) NOT NULL,` +
    '    `is_custom_property` TINYINT(1) NOT NULL,    `int_value` INT,    `double_value` DOUBLE,    `string_value` TEXT,' +
    '    `byte_value` BLOB,    `proto_value` BLOB,    `bool_value` BOOLEAN,' +
    `  PRIMARY KEY (\`${owner}\`, \`name\`, \`is_custom_property\`))`
  );
}

function simpleIndex(name: string, table: string, column: string): { name: string; sql: string } {
  return { name, sql: `CREATE INDEX IF NOT EXISTS \`${name}\`  ON \`${table}\`(\`${column}\`)` };
}

function propertyIndex(name: string, table: string, valueColumn: string): { name: string; sql: string } {
  return {
    name,
    sql:
      `CREATE INDEX IF NOT EXISTS \`${name}\`  ON \`${table}\`(\`name\`, \`is_custom_property\`, \`${valueColumn}\`)` +
      `  WHERE \`${valueColumn}\` IS NOT NULL`,
  };
}

/** The 24 named secondary indexes, in MLMD's order. */
export const V10_INDEXES: ReadonlyArray<{ name: string; sql: string }> = [
  simpleIndex('idx_artifact_uri', 'Artifact', 'uri'),
  simpleIndex('idx_artifact_create_time_since_epoch', 'Artifact', 'create_time_since_epoch'),
  simpleIndex('idx_artifact_last_update_time_since_epoch', 'Artifact', 'last_update_time_since_epoch'),
  simpleIndex('idx_event_execution_id', 'Event', 'execution_id'),
  simpleIndex('idx_parentcontext_parent_context_id', 'ParentContext', 'parent_context_id'),
  simpleIndex('idx_type_name', 'Type', 'name'),
  simpleIndex('idx_execution_create_time_since_epoch', 'Execution', 'create_time_since_epoch'),
  simpleIndex('idx_execution_last_update_time_since_epoch', 'Execution', 'last_update_time_since_epoch'),
  simpleIndex('idx_context_create_time_since_epoch', 'Context', 'create_time_since_epoch'),
  simpleIndex('idx_context_last_update_time_since_epoch', 'Context', 'last_update_time_since_epoch'),
  simpleIndex('idx_eventpath_event_id', 'EventPath', 'event_id'),
  propertyIndex('idx_artifact_property_int', 'ArtifactProperty', 'int_value'),
  propertyIndex('idx_artifact_property_double', 'ArtifactProperty', 'double_value'),
  propertyIndex('idx_artifact_property_string', 'ArtifactProperty', 'string_value'),
  propertyIndex('idx_execution_property_int', 'ExecutionProperty', 'int_value'),
  propertyIndex('idx_execution_property_double', 'ExecutionProperty', 'double_value'),
  propertyIndex('idx_execution_property_string', 'ExecutionProperty', 'string_value'),
  propertyIndex('idx_context_property_int', 'ContextProperty', 'int_value'),
  propertyIndex('idx_context_property_double', 'ContextProperty', 'double_value'),
  propertyIndex('idx_context_property_string', 'ContextProperty', 'string_value'),
  simpleIndex('idx_type_external_id', 'Type', 'external_id'),
  simpleIndex('idx_artifact_external_id', 'Artifact', 'external_id'),
  simpleIndex('idx_execution_external_id', 'Execution', 'external_id'),
  simpleIndex('idx_context_external_id', 'Context', 'external_id'),
];

/** Type.type_kind */
export const TypeKind = { EXECUTION: 0, ARTIFACT: 1, CONTEXT: 2 } as const;
export type TypeKindValue = (typeof TypeKind)[keyof typeof TypeKind];

/** TypeProperty.data_type (PropertyType enum). */
export const PropertyType = { UNKNOWN: 0, INT: 1, DOUBLE: 2, STRING: 3, STRUCT: 4, PROTO: 5, BOOLEAN: 6 } as const;
export type PropertyTypeValue = (typeof PropertyType)[keyof typeof PropertyType];

export const EXECUTION_STATES = ['UNKNOWN', 'NEW', 'RUNNING', 'COMPLETE', 'FAILED', 'CACHED', 'CANCELED'] as const;
export const ARTIFACT_STATES = ['UNKNOWN', 'PENDING', 'LIVE', 'MARKED_FOR_DELETION', 'DELETED', 'ABANDONED', 'REFERENCE'] as const;
export const EVENT_TYPES = [
  'UNKNOWN',
  'DECLARED_OUTPUT',
  'DECLARED_INPUT',
  'INPUT',
  'OUTPUT',
  'INTERNAL_INPUT',
  'INTERNAL_OUTPUT',
  'PENDING_OUTPUT',
] as const;

export const ExecutionStateCode = { UNKNOWN: 0, NEW: 1, RUNNING: 2, COMPLETE: 3, FAILED: 4, CACHED: 5, CANCELED: 6 } as const;
export const ArtifactStateCode = {
  UNKNOWN: 0,
  PENDING: 1,
  LIVE: 2,
  MARKED_FOR_DELETION: 3,
  DELETED: 4,
  ABANDONED: 5,
  REFERENCE: 6,
} as const;
export const EventTypeCode = {
  UNKNOWN: 0,
  DECLARED_OUTPUT: 1,
  DECLARED_INPUT: 2,
  INPUT: 3,
  OUTPUT: 4,
  INTERNAL_INPUT: 5,
  INTERNAL_OUTPUT: 6,
  PENDING_OUTPUT: 7,
} as const;

/** The 9 "simple types" MLMD upserts into every new database, ids 1–9 in this order (tfx-reference §1.6). */
export const SEEDED_TYPES: ReadonlyArray<{ name: string; kind: TypeKindValue }> = [
  { name: 'mlmd.Dataset', kind: TypeKind.ARTIFACT },
  { name: 'mlmd.Model', kind: TypeKind.ARTIFACT },
  { name: 'mlmd.Metrics', kind: TypeKind.ARTIFACT },
  { name: 'mlmd.Statistics', kind: TypeKind.ARTIFACT },
  { name: 'mlmd.Train', kind: TypeKind.EXECUTION },
  { name: 'mlmd.Transform', kind: TypeKind.EXECUTION },
  { name: 'mlmd.Process', kind: TypeKind.EXECUTION },
  { name: 'mlmd.Evaluate', kind: TypeKind.EXECUTION },
  { name: 'mlmd.Deploy', kind: TypeKind.EXECUTION },
];

/**
 * Declared properties and base types of TFX's standard artifact types (`tfx/types/standard_artifacts.py`,
 * tfx-reference §2.3). Types not listed are registered with no declared properties and no base type.
 */
export const STANDARD_ARTIFACT_TYPES: Readonly<
  Record<string, { properties: Readonly<Record<string, PropertyTypeValue>>; baseType?: string }>
> = {
  Examples: {
    properties: { span: PropertyType.INT, version: PropertyType.INT, split_names: PropertyType.STRING },
    baseType: 'mlmd.Dataset',
  },
  ExampleStatistics: {
    properties: { span: PropertyType.INT, split_names: PropertyType.STRING },
    baseType: 'mlmd.Statistics',
  },
  ExampleAnomalies: { properties: { span: PropertyType.INT, split_names: PropertyType.STRING } },
  ExampleValidationMetrics: { properties: { span: PropertyType.INT, split_names: PropertyType.STRING } },
  Model: { properties: {}, baseType: 'mlmd.Model' },
  PushedModel: { properties: {}, baseType: 'mlmd.Model' },
};

/** IR-style context type names (tfx-reference §2.1). */
export const CONTEXT_PIPELINE = 'pipeline';
export const CONTEXT_PIPELINE_RUN = 'pipeline_run';
export const CONTEXT_NODE = 'node';
export const CONTEXT_EXECUTION_CACHE = 'execution_cache';
/** Legacy (InteractiveContext) context type names. */
export const CONTEXT_LEGACY_RUN = 'run';
export const CONTEXT_LEGACY_COMPONENT_RUN = 'component_run';
/**
 * Kubeflow Pipelines v2's context types (its driver's metadata client): a run context under a pipeline
 * context through ParentContext, as TFX IR does, under other names. Executions are
 * `system.ContainerExecution`/`system.DAGExecution` with the task's name in the `task_name` custom property.
 */
export const CONTEXT_KFP_PIPELINE = 'system.Pipeline';
export const CONTEXT_KFP_PIPELINE_RUN = 'system.PipelineRun';
export const PROP_KFP_TASK_NAME = 'task_name';
export const PROP_KFP_DISPLAY_NAME = 'display_name';

/** Custom properties mlpipe adds to executions (MLMD has no column for them). */
export const PROP_EXECUTION_RESULT = '__execution_result__';
export { APPROVAL_STATE_KEY as PROP_APPROVAL_STATE } from '../../common/approval';
/** The decision ('approved'/'rejected') of a HumanApproval execution, also on one that reused it from the cache. */
export const PROP_APPROVAL_DECISION = '__approval_decision__';
export const PROP_PID = '__pid__';
export const PROP_HOST = '__host__';
/** Start time (ms since epoch) of the owning process, to tell a reused pid from the owner. */
export const PROP_PROCESS_START = '__process_start__';

/** The three property tables, and the column naming each row's owner. */
export type PropertyTable = 'ArtifactProperty' | 'ExecutionProperty' | 'ContextProperty';
export const PROPERTY_OWNER_COLUMN: Readonly<Record<PropertyTable, string>> = {
  ArtifactProperty: 'artifact_id',
  ExecutionProperty: 'execution_id',
  ContextProperty: 'context_id',
};
