// The small differences between the SQL the store's queries are written in (SQLite's, the first backend)
// and MySQL/MariaDB's, in one place: the queries in mlmdReads.ts, mlmdWrites.ts, executionPublish.ts and
// lineage.ts exist once, and each backend's connection passes every statement through its dialect once,
// when it is first prepared (the statement cache in connection.ts holds the translated text).
//
// What the MySQL dialect rewrites, mechanically and only these forms (anything else is written so both
// engines accept it):
//  - `INSERT OR IGNORE INTO t(c1, …) VALUES …` → `INSERT INTO t(c1, …) VALUES … ON DUPLICATE KEY UPDATE c1 = c1`
//    (ignores exactly a duplicate key, as SQLite's OR IGNORE does for UNIQUE; MySQL's INSERT IGNORE would
//    also swallow other errors as warnings). An ignored row reports 0 changes, as in SQLite.
//  - `INSERT OR REPLACE INTO` → `REPLACE INTO` (same delete-then-insert semantics).
//  - `(SELECT value FROM json_each(?))`, the id lists bound as one JSON array, → MariaDB/MySQL's JSON_TABLE.
//  - `@name` parameters (bound from one object) → positional `?`, with the names in order.
// Plus the facts queries ask for: the widest integer a property's int_value holds, and how to read
// EventPath rows in insertion order (SQLite's rowid; InnoDB returns a table without a primary key in
// its hidden row-id order, which is insertion order, through the event_id index as well).

export interface TranslatedSql {
  sql: string;
  /** For `@name` parameters: the names in the order of the positional `?`s that replaced them. */
  names?: readonly string[];
}

export interface SqlDialect {
  readonly name: 'sqlite' | 'mysql';
  /** The largest absolute integer a property table's int_value holds (64-bit on SQLite, INT on MLMD's MySQL layout). */
  readonly maxPropertyInt: number;
  /** Appended to a query of EventPath rows to get them in the order they were written. */
  readonly insertionOrder: string;
  translate(sql: string): TranslatedSql;
}

export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  maxPropertyInt: Number.MAX_SAFE_INTEGER,
  insertionOrder: ' ORDER BY rowid',
  translate: (sql) => ({ sql }),
};

export const MYSQL_DIALECT: SqlDialect = {
  name: 'mysql',
  maxPropertyInt: 2 ** 31 - 1,
  insertionOrder: '',
  translate: translateForMysql,
};

const INSERT_OR_IGNORE = /^\s*INSERT\s+OR\s+IGNORE\s+INTO\s+(`?\w+`?)\s*\(\s*(`?\w+`?)/i;
const INSERT_OR_REPLACE = /^\s*INSERT\s+OR\s+REPLACE\s+INTO\s/i;
const JSON_EACH = /json_each\(\s*(\?|@\w+)\s*\)/gi;

export function translateForMysql(source: string): TranslatedSql {
  let sql = source;
  const ignore = INSERT_OR_IGNORE.exec(sql);
  if (ignore) {
    const firstColumn = ignore[2]!;
    sql = `${sql.replace(/^\s*INSERT\s+OR\s+IGNORE\s+INTO/i, 'INSERT INTO')} ON DUPLICATE KEY UPDATE ${firstColumn} = ${firstColumn}`;
  } else if (INSERT_OR_REPLACE.test(sql)) {
    sql = sql.replace(INSERT_OR_REPLACE, 'REPLACE INTO ');
  }
  sql = sql.replace(JSON_EACH, (_m, param: string) => `JSON_TABLE(${param}, '$[*]' COLUMNS (value BIGINT PATH '$')) AS json_ids`);
  return positional(sql);
}

/** Replaces `@name` parameters outside string literals and quoted names by `?`, keeping their order. */
function positional(sql: string): TranslatedSql {
  const names: string[] = [];
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      out += ch;
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch === '@') {
      const m = /^@(\w+)/.exec(sql.slice(i));
      if (m) {
        names.push(m[1]!);
        out += '?';
        i += m[0].length - 1;
        continue;
      }
    }
    out += ch;
  }
  return names.length ? { sql: out, names } : { sql: out };
}
