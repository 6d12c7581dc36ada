// The ML Metadata (MLMD) schema-version-10 layout on MySQL/MariaDB: the statements exactly as ml-metadata
// states them in `ml_metadata/util/metadata_source_query_config.cc` (kMySQLMetadataSourceQueryConfig, its
// create_*_table and secondary_indices, with kBaseQueryConfig's statements where the MySQL config does not
// override them: TypeProperty, ParentType, EventPath, MLMDEnv, ParentContext), in the order of
// QueryConfigExecutor::InitMetadataSource. They are data, not re-typed SQL: test/runtime/mysqlSchema.test.ts
// parses each statement and checks the server's information_schema against it, column by column and index
// by index. The SQLite layout is schema.ts; the enum values and seeded types there are shared.
//
// Two facts of this layout the MySQL backend has to live with (mysqlSource.ts):
//  - the property tables' `int_value` is INT (32 bits), where SQLite's INT holds 64; a custom property
//    integer outside that range (a millisecond timestamp) is stored in `double_value`, which holds every
//    integer up to 2^53 exactly, and a declared INT property outside it is refused;
//  - string columns take the database's collation: on MySQL's default collations, names compare
//    case-insensitively, as they do under MLMD itself on MySQL.

export const MYSQL_V10_TABLES: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: 'Type',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Type` ( ' +
      '   `id` INT PRIMARY KEY AUTO_INCREMENT, ' +
      '   `name` VARCHAR(255) NOT NULL, ' +
      '   `version` VARCHAR(255), ' +
      '   `type_kind` TINYINT(1) NOT NULL, ' +
      '   `description` TEXT, ' +
      '   `input_type` TEXT, ' +
      '   `output_type` TEXT, ' +
      '   `external_id` VARCHAR(255) UNIQUE ' +
      ' ); ',
  },
  {
    name: 'TypeProperty',
    sql:
      ' CREATE TABLE IF NOT EXISTS `TypeProperty` ( ' +
      '   `type_id` INT NOT NULL, ' +
      '   `name` VARCHAR(255) NOT NULL, ' +
      '   `data_type` INT NULL, ' +
      ' PRIMARY KEY (`type_id`, `name`)); ',
  },
  {
    name: 'ParentType',
    sql:
      ' CREATE TABLE IF NOT EXISTS `ParentType` ( ' +
      '   `type_id` INT NOT NULL, ' +
      '   `parent_type_id` INT NOT NULL, ' +
      ' PRIMARY KEY (`type_id`, `parent_type_id`)); ',
  },
  {
    name: 'Artifact',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Artifact` ( ' +
      '   `id` INTEGER PRIMARY KEY AUTO_INCREMENT, ' +
      '   `type_id` INT NOT NULL, ' +
      '   `uri` TEXT, ' +
      '   `state` INT, ' +
      '   `name` VARCHAR(255), ' +
      '   `external_id` VARCHAR(255) UNIQUE, ' +
      '   `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0, ' +
      '   `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0, ' +
      '   CONSTRAINT UniqueArtifactTypeName UNIQUE(`type_id`, `name`) ' +
      ' ); ',
  },
  {
    name: 'ArtifactProperty',
    sql:
      ' CREATE TABLE IF NOT EXISTS `ArtifactProperty` ( ' +
      '   `artifact_id` INT NOT NULL, ' +
      '   `name` VARCHAR(255) NOT NULL, ' +
      '   `is_custom_property` TINYINT(1) NOT NULL, ' +
      '   `int_value` INT, ' +
      '   `double_value` DOUBLE, ' +
      '   `string_value` MEDIUMTEXT, ' +
      '   `byte_value` MEDIUMBLOB, ' +
      '   `proto_value` MEDIUMBLOB, ' +
      '   `bool_value` BOOLEAN, ' +
      ' PRIMARY KEY (`artifact_id`, `name`, `is_custom_property`)); ',
  },
  {
    name: 'Execution',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Execution` ( ' +
      '   `id` INTEGER PRIMARY KEY AUTO_INCREMENT, ' +
      '   `type_id` INT NOT NULL, ' +
      '   `last_known_state` INT, ' +
      '   `name` VARCHAR(255), ' +
      '   `external_id` VARCHAR(255) UNIQUE, ' +
      '   `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0, ' +
      '   `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0, ' +
      '   CONSTRAINT UniqueExecutionTypeName UNIQUE(`type_id`, `name`) ' +
      ' ); ',
  },
  {
    name: 'ExecutionProperty',
    sql:
      ' CREATE TABLE IF NOT EXISTS `ExecutionProperty` ( ' +
      '   `execution_id` INT NOT NULL, ' +
      '   `name` VARCHAR(255) NOT NULL, ' +
      '   `is_custom_property` TINYINT(1) NOT NULL, ' +
      '   `int_value` INT, ' +
      '   `double_value` DOUBLE, ' +
      '   `string_value` MEDIUMTEXT, ' +
      '   `byte_value` MEDIUMBLOB, ' +
      '   `proto_value` MEDIUMBLOB, ' +
      '   `bool_value` BOOLEAN, ' +
      ' PRIMARY KEY (`execution_id`, `name`, `is_custom_property`)); ',
  },
  {
    name: 'Event',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Event` ( ' +
      '   `id` INTEGER PRIMARY KEY AUTO_INCREMENT, ' +
      '   `artifact_id` INT NOT NULL, ' +
      '   `execution_id` INT NOT NULL, ' +
      '   `type` INT NOT NULL, ' +
      '   `milliseconds_since_epoch` BIGINT, ' +
      '   CONSTRAINT UniqueEvent UNIQUE( ' +
      '     `artifact_id`, `execution_id`, `type`) ' +
      ' ); ',
  },
  {
    name: 'EventPath',
    sql:
      ' CREATE TABLE IF NOT EXISTS `EventPath` ( ' +
      '   `event_id` INT NOT NULL, ' +
      '   `is_index_step` TINYINT(1) NOT NULL, ' +
      '   `step_index` INT, ' +
      '   `step_key` TEXT ' +
      ' ); ',
  },
  {
    name: 'MLMDEnv',
    sql:
      ' CREATE TABLE IF NOT EXISTS `MLMDEnv` ( ' +
      '   `schema_version` INTEGER PRIMARY KEY ' +
      ' ); ',
  },
  {
    name: 'Context',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Context` ( ' +
      '   `id` INTEGER PRIMARY KEY AUTO_INCREMENT, ' +
      '   `type_id` INT NOT NULL, ' +
      '   `name` VARCHAR(255) NOT NULL, ' +
      '   `external_id` VARCHAR(255) UNIQUE, ' +
      '   `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0, ' +
      '   `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0, ' +
      '   UNIQUE(`type_id`, `name`) ' +
      ' ); ',
  },
  {
    name: 'ContextProperty',
    sql:
      ' CREATE TABLE IF NOT EXISTS `ContextProperty` ( ' +
      '   `context_id` INT NOT NULL, ' +
      '   `name` VARCHAR(255) NOT NULL, ' +
      '   `is_custom_property` TINYINT(1) NOT NULL, ' +
      '   `int_value` INT, ' +
      '   `double_value` DOUBLE, ' +
      '   `string_value` MEDIUMTEXT, ' +
      '   `byte_value` MEDIUMBLOB, ' +
      '   `proto_value` MEDIUMBLOB, ' +
      '   `bool_value` BOOLEAN, ' +
      ' PRIMARY KEY (`context_id`, `name`, `is_custom_property`)); ',
  },
  {
    name: 'ParentContext',
    sql:
      ' CREATE TABLE IF NOT EXISTS `ParentContext` ( ' +
      '   `context_id` INT NOT NULL, ' +
      '   `parent_context_id` INT NOT NULL, ' +
      ' PRIMARY KEY (`context_id`, `parent_context_id`)); ',
  },
  {
    name: 'Association',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Association` ( ' +
      '   `id` INTEGER PRIMARY KEY AUTO_INCREMENT, ' +
      '   `context_id` INT NOT NULL, ' +
      '   `execution_id` INT NOT NULL, ' +
      '   UNIQUE(`context_id`, `execution_id`) ' +
      ' ); ',
  },
  {
    name: 'Attribution',
    sql:
      ' CREATE TABLE IF NOT EXISTS `Attribution` ( ' +
      '   `id` INTEGER PRIMARY KEY AUTO_INCREMENT, ' +
      '   `context_id` INT NOT NULL, ' +
      '   `artifact_id` INT NOT NULL, ' +
      '   UNIQUE(`context_id`, `artifact_id`) ' +
      ' ); ',
  },
];

export const MYSQL_V10_SECONDARY_INDICES: readonly string[] = [
  ' ALTER TABLE `Artifact` ' +
    '  ADD INDEX `idx_artifact_uri`(`uri`(255)), ' +
    '  ADD INDEX `idx_artifact_create_time_since_epoch` ' +
    '             (`create_time_since_epoch`), ' +
    '  ADD INDEX `idx_artifact_last_update_time_since_epoch` ' +
    '             (`last_update_time_since_epoch`); ',
  ' ALTER TABLE `Event` ' +
    ' ADD INDEX `idx_event_execution_id` (`execution_id`); ',
  ' ALTER TABLE `ParentContext` ' +
    ' ADD INDEX ' +
    '   `idx_parentcontext_parent_context_id` (`parent_context_id`); ',
  ' ALTER TABLE `Type` ' +
    ' ADD INDEX `idx_type_name` (`name`); ',
  ' ALTER TABLE `Execution` ' +
    '  ADD INDEX `idx_execution_create_time_since_epoch` ' +
    '             (`create_time_since_epoch`), ' +
    '  ADD INDEX `idx_execution_last_update_time_since_epoch` ' +
    '             (`last_update_time_since_epoch`); ',
  ' ALTER TABLE `Context` ' +
    '  ADD INDEX `idx_context_create_time_since_epoch` ' +
    '             (`create_time_since_epoch`), ' +
    '  ADD INDEX `idx_context_last_update_time_since_epoch` ' +
    '             (`last_update_time_since_epoch`); ',
  ' ALTER TABLE `EventPath` ' +
    '  ADD INDEX `idx_eventpath_event_id`(`event_id`); ',
  ' ALTER TABLE `ArtifactProperty` ' +
    '  ADD INDEX `idx_artifact_property_int`( ' +
    '    `name`, `is_custom_property`, `int_value`); ',
  ' ALTER TABLE `ArtifactProperty` ' +
    '  ADD INDEX `idx_artifact_property_double`( ' +
    '    `name`, `is_custom_property`, `double_value`); ',
  ' ALTER TABLE `ArtifactProperty` ' +
    '  ADD INDEX `idx_artifact_property_string`( ' +
    '    `name`, `is_custom_property`, `string_value`(255)); ',
  ' ALTER TABLE `ExecutionProperty` ' +
    '  ADD INDEX `idx_execution_property_int`( ' +
    '    `name`, `is_custom_property`, `int_value`); ',
  ' ALTER TABLE `ExecutionProperty` ' +
    '  ADD INDEX `idx_execution_property_double`( ' +
    '    `name`, `is_custom_property`, `double_value`); ',
  ' ALTER TABLE `ExecutionProperty` ' +
    '  ADD INDEX `idx_execution_property_string`( ' +
    '    `name`, `is_custom_property`, `string_value`(255)); ',
  ' ALTER TABLE `ContextProperty` ' +
    '  ADD INDEX `idx_context_property_int`( ' +
    '    `name`, `is_custom_property`, `int_value`); ',
  ' ALTER TABLE `ContextProperty` ' +
    '  ADD INDEX `idx_context_property_double`( ' +
    '    `name`, `is_custom_property`, `double_value`); ',
  ' ALTER TABLE `ContextProperty` ' +
    '  ADD INDEX `idx_context_property_string`( ' +
    '    `name`, `is_custom_property`, `string_value`(255)); ',
  ' ALTER TABLE `Type` ' +
    ' ADD INDEX `idx_type_external_id` (`external_id`);',
  ' ALTER TABLE `Artifact` ' +
    ' ADD INDEX `idx_artifact_external_id` (`external_id`);',
  ' ALTER TABLE `Execution` ' +
    ' ADD INDEX `idx_execution_external_id` (`external_id`);',
  ' ALTER TABLE `Context` ' +
    ' ADD INDEX `idx_context_external_id` (`external_id`);',
];
