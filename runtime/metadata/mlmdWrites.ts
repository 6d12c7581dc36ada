// The write primitives of ML Metadata: types (with their parent and declared properties), contexts,
// executions, artifacts, events with their paths, associations, attributions, properties and states.
// Each runs inside a transaction its caller opened (connection.write); none of them knows what TFX or
// mlpipe means by a run, a cache hit or a wait: that is executionPublish.ts.
import type { MetadataConnection } from './connection';
import { MetadataStoreError } from './connection';
import { encodeProperty, type PropertyInputs } from './propertyCodec';
import {
  PROPERTY_OWNER_COLUMN,
  STANDARD_ARTIFACT_TYPES,
  TypeKind,
  type PropertyTable,
  type PropertyTypeValue,
  type TypeKindValue,
} from './schema';

export class MlmdWrites {
  constructor(private readonly conn: MetadataConnection) {}

  /** The id of a type, registered (with its parent type) when new, with any missing declared properties added. */
  typeIdFor(name: string, kind: TypeKindValue, baseType?: string, properties?: Readonly<Record<string, PropertyTypeValue>>): number {
    const c = this.conn;
    let id = c.typeId(name, kind);
    if (id === undefined) {
      id = Number(c.stmt('INSERT INTO `Type`(`name`, `type_kind`) VALUES (?, ?)').run(name, kind).lastInsertRowid);
      if (baseType) {
        const baseKind = kind === TypeKind.CONTEXT ? undefined : kind;
        const parent = baseKind === undefined ? undefined : c.typeId(baseType, baseKind);
        if (parent === undefined) throw new MetadataStoreError(`Unknown MLMD base type "${baseType}" for type "${name}".`, 'invalid');
        c.stmt('INSERT OR IGNORE INTO `ParentType`(`type_id`, `parent_type_id`) VALUES (?, ?)').run(id, parent);
      }
      c.forgetTypes();
    }
    if (properties) {
      // Like TFX (can_add_fields), a type that lacks one of the declared properties gets it added.
      const have = c.declaredProperties(id);
      for (const [prop, dataType] of Object.entries(properties)) {
        if (have[prop] !== undefined) continue;
        c.stmt('INSERT OR IGNORE INTO `TypeProperty`(`type_id`, `name`, `data_type`) VALUES (?, ?, ?)').run(id, prop, dataType);
        have[prop] = dataType;
      }
    }
    return id;
  }

  /** An artifact type id; TFX's standard types get their base type and declared properties (tfx-reference §2.3). */
  artifactTypeId(type: string): number {
    const standard = STANDARD_ARTIFACT_TYPES[type];
    return this.typeIdFor(type, TypeKind.ARTIFACT, standard?.baseType, standard?.properties ?? {});
  }

  /** The context of that type and name, created when missing. */
  contextFor(typeName: string, name: string, now: number): number {
    if (name === '') throw new MetadataStoreError(`A ${typeName} context needs a non-empty name.`, 'invalid');
    const typeId = this.typeIdFor(typeName, TypeKind.CONTEXT);
    const row = this.conn.stmt('SELECT id FROM `Context` WHERE type_id = ? AND name = ?').get(typeId, name) as { id: number } | undefined;
    if (row) return row.id;
    return Number(
      this.conn
        .stmt('INSERT INTO `Context`(`type_id`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?)')
        .run(typeId, name, now, now).lastInsertRowid,
    );
  }

  setParentContext(contextId: number, parentContextId: number): void {
    this.conn.stmt('INSERT OR IGNORE INTO `ParentContext`(`context_id`, `parent_context_id`) VALUES (?, ?)').run(contextId, parentContextId);
  }

  /** Whether a context exists and has the named type. */
  contextHasType(contextId: number, typeName: string): boolean {
    return this.conn.stmt('SELECT c.id FROM `Context` c JOIN `Type` t ON t.id = c.type_id WHERE c.id = ? AND t.name = ?').get(contextId, typeName) !== undefined;
  }

  insertExecution(typeId: number, state: number, name: string, now: number): number {
    return Number(
      this.conn
        .stmt('INSERT INTO `Execution`(`type_id`, `last_known_state`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?, ?)')
        .run(typeId, state, name, now, now).lastInsertRowid,
    );
  }

  insertArtifact(typeId: number, uri: string, state: number, now: number): number {
    return Number(
      this.conn
        .stmt('INSERT INTO `Artifact`(`type_id`, `uri`, `state`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?, ?)')
        .run(typeId, uri, state, now, now).lastInsertRowid,
    );
  }

  /**
   * Properties of an artifact, execution or context: a name the type declares is stored as declared
   * (is_custom_property 0, checked against its data type), any other as custom. `allCustom` stores every
   * name as custom. `where` names the owner in error messages.
   */
  putProperties(table: PropertyTable, ownerId: number, typeId: number | undefined, props: PropertyInputs, where: string, allCustom: boolean): void {
    const declared = typeId === undefined || allCustom ? {} : this.conn.declaredProperties(typeId);
    const insert = this.conn.stmt(
      `INSERT OR REPLACE INTO \`${table}\`(\`${PROPERTY_OWNER_COLUMN[table]}\`, \`name\`, \`is_custom_property\`, \`int_value\`, \`double_value\`, \`string_value\`, \`bool_value\`)` +
        ' VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined) continue;
      const dataType = Object.prototype.hasOwnProperty.call(declared, name) ? declared[name] : undefined;
      const v = encodeProperty(name, value, dataType, where, this.conn.dialect.maxPropertyInt);
      insert.run(ownerId, name, dataType === undefined ? 1 : 0, v.int_value, v.double_value, v.string_value, v.bool_value);
    }
  }

  /** An event with its (key, index) path. The same artifact under two keys is one MLMD event: the first path wins. */
  insertEvent(artifactId: number, executionId: number, type: number, key: string, index: number, now: number): void {
    const result = this.conn
      .stmt('INSERT OR IGNORE INTO `Event`(`artifact_id`, `execution_id`, `type`, `milliseconds_since_epoch`) VALUES (?, ?, ?, ?)')
      .run(artifactId, executionId, type, now);
    // UNIQUE(artifact, execution, type) since schema v8.
    if (result.changes === 0) return;
    const eventId = Number(result.lastInsertRowid);
    const path = this.conn.stmt('INSERT INTO `EventPath`(`event_id`, `is_index_step`, `step_index`, `step_key`) VALUES (?, ?, ?, ?)');
    path.run(eventId, 0, null, key);
    path.run(eventId, 1, index, null);
  }

  associate(contextId: number, executionId: number): void {
    this.conn.stmt('INSERT OR IGNORE INTO `Association`(`context_id`, `execution_id`) VALUES (?, ?)').run(contextId, executionId);
  }

  attribute(contextIds: readonly number[], artifactId: number): void {
    const s = this.conn.stmt('INSERT OR IGNORE INTO `Attribution`(`context_id`, `artifact_id`) VALUES (?, ?)');
    for (const c of contextIds) s.run(c, artifactId);
  }

  setState(executionId: number, state: number, now: number): void {
    this.conn.stmt('UPDATE `Execution` SET last_known_state = ?, last_update_time_since_epoch = ? WHERE id = ?').run(state, now, executionId);
  }

  /** Bumps an execution's or artifact's last_update_time. */
  touch(table: 'Execution' | 'Artifact', id: number, now: number): void {
    this.conn.stmt(`UPDATE \`${table}\` SET last_update_time_since_epoch = ? WHERE id = ?`).run(now, id);
  }

  /** The execution's type and state; not-found when there is no such execution. */
  requireExecution(executionId: number): { type_id: number; state: number | null } {
    const row = this.conn.stmt('SELECT type_id, last_known_state AS state FROM `Execution` WHERE id = ?').get(executionId) as
      | { type_id: number; state: number | null }
      | undefined;
    if (!row) throw new MetadataStoreError(`Execution ${executionId} does not exist in ${this.conn.path}.`, 'not-found');
    return row;
  }

  /** The artifact's type id; not-found when there is no such artifact. */
  requireArtifact(artifactId: number): { type_id: number } {
    const row = this.conn.stmt('SELECT type_id FROM `Artifact` WHERE id = ?').get(artifactId) as { type_id: number } | undefined;
    if (!row) throw new MetadataStoreError(`Artifact ${artifactId} does not exist in ${this.conn.path}.`, 'not-found');
    return row;
  }

  /** Every id exists as an artifact; else not-found naming the first missing one, prefixed by `what`. */
  requireArtifacts(idsByKey: Record<string, readonly number[]>, what: string): void {
    const all = Object.values(idsByKey).flat();
    if (all.length === 0) return;
    const found = this.conn.stmt('SELECT id FROM `Artifact` WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(all)) as Array<{ id: number }>;
    const have = new Set(found.map((r) => r.id));
    for (const [key, list] of Object.entries(idsByKey)) {
      for (const id of list) {
        if (!have.has(id)) throw new MetadataStoreError(`${what} artifact ${id} (key "${key}") does not exist in ${this.conn.path}.`, 'not-found');
      }
    }
  }
}
