// Run by sqliteDriver.bench.ts under each Node it is given (plain CommonJS, so any Node runs it): does
// the SQLite driver load under this Node at all, and how fast are the store's two hot paths on an MLMD
// file: point selects (the tree views' reads) and small BEGIN IMMEDIATE transactions in WAL (one
// recorded execution: an Execution row and its properties). Prints one JSON line.
//   node sqliteDriverProbe.cjs <driver> <mlmd file>     driver: better-sqlite3 | @photostructure/sqlite | node:sqlite
const { copyFileSync, rmSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const [driver, source] = process.argv.slice(2);
const SELECTS = 10_000;
const WRITES = 1_000;

function open(file) {
  if (driver === 'better-sqlite3') {
    const Database = require('better-sqlite3');
    const db = new Database(file);
    return { exec: (sql) => db.exec(sql), prepare: (sql) => db.prepare(sql), close: () => db.close() };
  }
  const { DatabaseSync } = driver === 'node:sqlite' ? require('node:sqlite') : require('@photostructure/sqlite');
  const db = new DatabaseSync(file);
  return { exec: (sql) => db.exec(sql), prepare: (sql) => db.prepare(sql), close: () => db.close() };
}

const result = { driver, node: process.version, abi: process.versions.modules };
let db;
try {
  db = open(`${source}.${process.pid}.sqlite`.replace(/^/, ''));
} catch (err) {
  result.loads = false;
  result.error = String(err.message).split('\n')[0];
  console.log(JSON.stringify(result));
  process.exit(0);
}
db.close();
const file = `${source}.${driver.replace(/[^a-z0-9]/gi, '_')}.${process.pid}.sqlite`;
copyFileSync(source, file);
try {
  db = open(file);
  result.loads = true;
  db.exec('PRAGMA busy_timeout = 15000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  const ids = db.prepare('SELECT id FROM `Artifact` ORDER BY id').all().map((r) => r.id);
  const byId = db.prepare('SELECT id, type_id, uri, state, name, create_time_since_epoch FROM `Artifact` WHERE id = ?');
  for (let i = 0; i < 1000; i++) byId.get(ids[i % ids.length]); // warm
  let t0 = performance.now();
  for (let i = 0; i < SELECTS; i++) byId.get(ids[(i * 7919) % ids.length]);
  result.pointSelectsMs = performance.now() - t0;

  const typeId = db.prepare('SELECT type_id FROM `Execution` LIMIT 1').get().type_id;
  const insertExecution = db.prepare(
    'INSERT INTO `Execution`(`type_id`, `last_known_state`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?, ?)',
  );
  const insertProperty = db.prepare(
    'INSERT INTO `ExecutionProperty`(`execution_id`, `name`, `is_custom_property`, `string_value`) VALUES (?, ?, 1, ?)',
  );
  t0 = performance.now();
  for (let i = 0; i < WRITES; i++) {
    db.exec('BEGIN IMMEDIATE');
    const now = Date.now();
    const id = Number(insertExecution.run(typeId, 2, `probe-${process.pid}-${i}`, now, now).lastInsertRowid);
    for (const p of ['command', 'epochs', 'label']) insertProperty.run(id, p, `${p}-${i}`);
    db.exec('COMMIT');
  }
  result.writeTransactionsMs = performance.now() - t0;
  db.close();
} finally {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${source}.${process.pid}.sqlite${suffix}`, { force: true });
}
console.log(JSON.stringify(result));
