// How the CLI takes a store's name: --db <path|url> and MLPIPE_METADATA_URL on every command that opens a
// store, --db-password-file, and the errors for names it cannot use (exit 2, one message, no stack, and
// never a file or folder made of a URL). The MySQL runs themselves are in cliMysql.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliPath, ensureBuilt, tempWorkspace } from './workspaceFixture';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Result> {
  ensureBuilt();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, MLPIPE_METADATA_URL: undefined, MYSQL_PWD: undefined, ...env })) if (v !== undefined) childEnv[k] = v;
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function oneClearMessage(r: Result, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, 'no stack, no internal error');
}

describe('CLI: naming the store', () => {
  const ws = tempWorkspace('mlpipe-clistore-');
  after(() => ws.dispose());
  writeFileSync(join(ws.root, 'p.pipeline.yaml'), 'name: p\ncomponents: []\n');

  it('every command that opens a store takes a URL: an unknown scheme names the supported ones, on every command', async () => {
    for (const args of [['runs'], ['show', '1'], ['lineage', '1'], ['approve', '1', '--approve', '--by', 'me'], ['run', 'p.pipeline.yaml']]) {
      const r = await cli([...args, '--db', 'postgres://me@db/mlmd'], ws.root);
      oneClearMessage(r, 2, /postgres: is not a metadata store mlpipe can open/);
      assert.match(r.stderr, /mysql:\/\/user@host:3306\/database/, args.join(' '));
    }
    assert.deepEqual(readdirSync(ws.root).filter((n) => n.includes(':')), [], 'nothing named after a URL');
  });

  it('a password in the URL is refused, saying where passwords go, and is not echoed', async () => {
    const r = await cli(['runs', '--db', 'mysql://me:hunter2@db/mlmd'], ws.root);
    oneClearMessage(r, 2, /has a password in it/);
    assert.match(r.stderr, /--db-password-file/);
    assert.match(r.stderr, /MYSQL_PWD/);
    assert.doesNotMatch(r.stderr, /hunter2/);
  });

  it('MLPIPE_METADATA_URL is used when --db is absent (and its errors say they come from it)', async () => {
    const r = await cli(['runs'], ws.root, { MLPIPE_METADATA_URL: 'redis://cache/0' });
    oneClearMessage(r, 2, /MLPIPE_METADATA_URL: redis: is not a metadata store/);
    // --db wins over the variable.
    const r2 = await cli(['runs', '--db', 'nothing-here.sqlite'], ws.root, { MLPIPE_METADATA_URL: 'redis://cache/0' });
    oneClearMessage(r2, 2, /no metadata database at .*nothing-here\.sqlite/);
  });

  it('a MySQL URL is never looked for as a file: no folder named mysql:, and no "no metadata database at"', async () => {
    // Port 1 on loopback: nothing listens there, so opening fails at once, as the server's error.
    const r = await cli(['runs', '--db', 'mysql://me@127.0.0.1:1/mlmd'], ws.root);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /no metadata database at|internal error|\n\s+at /);
    assert.match(r.stderr, /mysql:\/\/me@127\.0\.0\.1:1\/mlmd/);
    assert.equal(existsSync(join(ws.root, 'mysql:')), false);
  });

  it('a store marked ?readonly=true is never written: run and approve refuse before they start', async () => {
    for (const args of [['run', 'p.pipeline.yaml'], ['approve', '3', '--approve', '--by', 'me']]) {
      const r = await cli([...args, '--db', 'mysql://reader@127.0.0.1:1/metadb?readonly=true'], ws.root);
      oneClearMessage(r, 2, /is marked read-only \(\?readonly=true\): (a run|an approval) would write to it/);
    }
  });

  it('--db-password-file: a missing file or one without a MySQL store is a clear error', async () => {
    oneClearMessage(await cli(['runs', '--db', 'mysql://me@127.0.0.1:1/mlmd', '--db-password-file', 'no-such-file'], ws.root), 2, /cannot read the password file .*no-such-file \(ENOENT\)/);
    oneClearMessage(await cli(['runs', '--db-password-file', 'pw'], ws.root), 2, /--db-password-file needs a MySQL store/);
    oneClearMessage(await cli(['runs', '--db', 'x.sqlite', '--db-password-file', 'pw'], ws.root), 2, /--db-password-file is for a MySQL store/);
  });

  it('export --to argo --db-url-secret checks the Secret name', async () => {
    const r = await cli(['export', 'p.pipeline.yaml', '--to', 'argo', '--image', 'x', '--db-url-secret', 'Not_A_Name'], ws.root);
    oneClearMessage(r, 2, /--db-url-secret Not_A_Name is not a Kubernetes Secret name/);
    const k = await cli(['export', 'p.pipeline.yaml', '--to', 'kfp', '--image', 'x', '--db-url-secret', 'ok'], ws.root);
    oneClearMessage(k, 2, /--db-url-secret is for --to argo/);
  });
});
