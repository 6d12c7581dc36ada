// The connection to an ML Metadata database, whichever backend holds it (sqliteSource.ts: a SQLite file;
// mysqlSource.ts: a MySQL/MariaDB database; both MLMD's schema version 10 layout): opening a location,
// the statement cache (each statement translated once into the backend's dialect, dialect.ts), read and
// write transactions with the checks every write shares, and the type cache every query uses. The MLMD
// primitives (mlmdWrites.ts), the reads (mlmdReads.ts) and TFX's publish semantics (executionPublish.ts)
// sit on top, written once for both backends; MetadataStore (store.ts) is the façade.

import { PropertyTypeError } from './propertyCodec';
import { PropertyType, SCHEMA_VERSION, type PropertyTypeValue, type TypeKindValue } from './schema';
import type { SqlDialect } from './dialect';
import type { StoreLocation } from './location';
import { MetadataStoreError, type MetadataSource, type OpenOptions, type SchemaColumns, type Statement } from './metadataSource';
import { openSqliteSource } from './sqliteSource';
import { openMysqlSource } from './mysqlSource';

export { MetadataStoreError, type OpenOptions, type SchemaColumns, type Statement } from './metadataSource';

export class MetadataConnection {
  private readonly statements = new Map<string, Statement>();
  private typesById = new Map<number, { name: string; kind: number }>();
  private typesByKey = new Map<string, number>();
  /** Declared properties per type id (types are never deleted, so caching is safe). */
  private readonly declared = new Map<number, Record<string, PropertyTypeValue>>();

  private constructor(private readonly source: MetadataSource) {}

  /** A string is a SQLite path (as every caller before issue 14 passes); a StoreLocation names either backend. */
  static open(location: string | StoreLocation, opts: OpenOptions = {}): MetadataConnection {
    const where: StoreLocation = typeof location === 'string' ? { kind: 'sqlite', path: location } : location;
    return new MetadataConnection(where.kind === 'sqlite' ? openSqliteSource(where.path, opts) : openMysqlSource(where, opts));
  }

  /** The SQLite file's absolute path, or the MySQL database's URL (without password). */
  get path(): string {
    return this.source.description;
  }

  get schemaVersion(): number {
    return this.source.schemaVersion;
  }

  get readonly(): boolean {
    return this.source.readonly;
  }

  get columns(): SchemaColumns {
    return this.source.columns;
  }

  get dialect(): SqlDialect {
    return this.source.dialect;
  }

  close(): void {
    this.source.close();
  }

  /** A prepared statement for `sql` (written in SQLite's dialect), translated and prepared once per connection. */
  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      const t = this.source.dialect.translate(sql);
      s = this.source.prepare(t.sql, t.names);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Several statements that must see one snapshot; inside a write, part of it. */
  read<T>(fn: () => T): T {
    return this.source.read(fn);
  }

  /** One write transaction in a version-10 database opened for writing. */
  write<T>(fn: () => T): T {
    if (this.readonly) throw new MetadataStoreError(`${this.path} was opened read-only; nothing can be recorded in it.`, 'readonly');
    if (this.schemaVersion !== SCHEMA_VERSION) {
      throw new MetadataStoreError(
        `${this.path} has ML Metadata schema version ${this.schemaVersion}; mlpipe records runs only in version ${SCHEMA_VERSION} databases (TFX would refuse a mixed file). Use a new database for mlpipe runs.`,
        'version',
      );
    }
    try {
      return this.source.write(fn);
    } catch (err) {
      // Anything registered inside the rolled-back transaction is gone: forget cached ids.
      this.forgetTypes();
      if (err instanceof PropertyTypeError) throw new MetadataStoreError(err.message, 'invalid');
      throw err;
    }
  }

  /** Whether this connection may record runs (opened for writing, schema version 10). */
  get writable(): boolean {
    return !this.readonly && this.schemaVersion === SCHEMA_VERSION;
  }

  // ---- the type cache ----------------------------------------------------------------------------

  private loadTypes(): void {
    const rows = this.stmt('SELECT id, name, type_kind FROM `Type` WHERE version IS NULL OR version = \'\'').all() as Array<{
      id: number;
      name: string;
      type_kind: number;
    }>;
    this.typesById = new Map();
    this.typesByKey = new Map();
    for (const r of rows) {
      this.typesById.set(r.id, { name: r.name, kind: r.type_kind });
      if (!this.typesByKey.has(`${r.type_kind}:${r.name}`)) this.typesByKey.set(`${r.type_kind}:${r.name}`, r.id);
    }
  }

  /** Type id by name and kind; reloads once on a miss, since another process may have added it. */
  typeId(name: string, kind: TypeKindValue): number | undefined {
    const key = `${kind}:${name}`;
    let id = this.typesByKey.get(key);
    if (id === undefined) {
      this.loadTypes();
      id = this.typesByKey.get(key);
    }
    return id;
  }

  typeName(id: number): string {
    let t = this.typesById.get(id);
    if (!t) {
      // Versioned types are not in the name map; look them up directly.
      this.loadTypes();
      t = this.typesById.get(id);
      if (!t) {
        const row = this.stmt('SELECT name, type_kind FROM `Type` WHERE id = ?').get(id) as { name: string; type_kind: number } | undefined;
        if (!row) return `type#${id}`;
        t = { name: row.name, kind: row.type_kind };
        this.typesById.set(id, t);
      }
    }
    return t.name;
  }

  /** The declared properties of a type (TypeProperty), cached. The returned record may be extended by its writer. */
  declaredProperties(typeId: number): Record<string, PropertyTypeValue> {
    let d = this.declared.get(typeId);
    if (!d) {
      d = {};
      const rows = this.stmt('SELECT name, data_type FROM `TypeProperty` WHERE type_id = ?').all(typeId) as Array<{ name: string; data_type: number | null }>;
      for (const r of rows) d[r.name] = (r.data_type ?? PropertyType.UNKNOWN) as PropertyTypeValue;
      this.declared.set(typeId, d);
    }
    return d;
  }

  /** Forgets cached types and their properties (a type was added, or a write that added some rolled back). */
  forgetTypes(): void {
    this.typesById = new Map();
    this.typesByKey = new Map();
    this.declared.clear();
  }
}
