// The CLI as a user meets it when they make a mistake: the built `mlpipe` as a real child process. A
// UserError (runtime/errors.ts) prints its message, exits 1 (2 for usage) and is never "internal error".
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import { runCli, tempWorkspace, type TempWorkspace } from './workspaceFixture';

function assertUserMistake(r: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /internal error|MLPIPE_DEBUG/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

describe('CLI errors', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace();
  });
  after(() => ws.dispose());

  it('a --db that is a text file exits 1 with a message, for runs, show and lineage', async () => {
    const notes = ws.write('notes.txt', 'meeting notes, not a database\n');
    for (const args of [['runs'], ['show', '1'], ['lineage', '1']]) {
      const r = await runCli([...args, '--db', notes], ws.root);
      assertUserMistake(r, 1, /^mlpipe: .*notes\.txt is not an SQLite database/);
    }
  });

  it('a malformed SQLite database (no MLMDEnv) exits 1 with a message', async () => {
    // An SQLite file of someone else's: valid SQLite, not ML Metadata.
    const other = join(ws.root, 'other.sqlite');
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    db.close();
    const r = await runCli(['runs', '--db', other], ws.root);
    assertUserMistake(r, 1, /other\.sqlite is an SQLite database but not an ML Metadata one/);
  });

  it('a malformed ML Metadata database (its tables missing) exits 1 with a message, for runs and show', async () => {
    const broken = join(ws.root, 'broken.sqlite');
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(broken);
    db.exec('CREATE TABLE MLMDEnv (schema_version INTEGER); INSERT INTO MLMDEnv VALUES (10)');
    db.close();
    for (const args of [['runs'], ['show', '1']]) {
      assertUserMistake(await runCli([...args, '--db', broken], ws.root), 1, /broken\.sqlite says ML Metadata schema version 10 but has no Type, Artifact, .* tables: the file is damaged/);
    }
  });

  it('a database with damaged pages exits 1 with a message', async () => {
    const damaged = join(ws.root, 'damaged.sqlite');
    MetadataStore.open(damaged, { journalMode: 'delete' }).close();
    const bytes = readFileSync(damaged);
    for (let i = 4096; i < bytes.length; i += 7) bytes[i] = 0xab;
    writeFileSync(damaged, bytes);
    assertUserMistake(await runCli(['runs', '--db', damaged], ws.root), 1, /damaged\.sqlite.*(malformed|damaged)/);
  });

  it('a run into a TFX schema-v8 database exits 1 with the version mismatch, and records nothing', async () => {
    // What TFX 1.x (ml-metadata 1.14) leaves behind: an MLMD database at schema version 8.
    const v8 = join(ws.root, 'tfx-v8.db');
    MetadataStore.open(v8, { journalMode: 'delete' }).close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(v8);
    db.exec('UPDATE MLMDEnv SET schema_version = 8');
    db.close();
    const file = ws.write('v8.pipeline.yaml', `pipeline: v8\ncomponents:\n  a: {type: Command, params: {command: [${JSON.stringify(process.execPath)}, -e, "1"]}}\n`);
    const r = await runCli(['run', file, '--db', v8], ws.root);
    assertUserMistake(r, 1, /tfx-v8\.db has ML Metadata schema version 8; mlpipe records runs only in version 10 databases/);
    const after = new Database(v8, { readonly: true });
    try {
      assert.equal((after.prepare('SELECT COUNT(*) AS n FROM Execution').get() as { n: number }).n, 0);
      assert.equal((after.prepare('SELECT schema_version FROM MLMDEnv').get() as { schema_version: number }).schema_version, 8);
    } finally {
      after.close();
    }
  });

  it('an unknown step is a usage error (exit 2), with no translation in between', async () => {
    const file = ws.write('one.pipeline.yaml', `pipeline: one\ncomponents:\n  a: {type: Command, params: {command: [${JSON.stringify(process.execPath)}, -e, "1"]}}\n`);
    const r = await runCli(['run', file, '--step', 'nope'], ws.root);
    assertUserMistake(r, 2, /^mlpipe: --step nope: no component with that id/);
  });

  it('deciding an execution that does not wait for approval is a usage error', async () => {
    const file = ws.write('two.pipeline.yaml', `pipeline: two\ncomponents:\n  a: {type: Command, params: {command: [${JSON.stringify(process.execPath)}, -e, "1"]}}\n`);
    assert.equal((await runCli(['run', file], ws.root)).code, 0);
    const r = await runCli(['approve', '1', '--approve', '--by', 'me'], ws.root);
    assertUserMistake(r, 2, /^mlpipe: /);
  });
});
