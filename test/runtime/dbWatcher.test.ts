// The server's database watcher: a commit by another connection (another process in real use) is
// reported within a second, by fs.watch and by the poll alone (network drives), also for a database
// that did not exist when watching started; a burst of commits is coalesced.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import { DbWatcher } from '../../runtime/server/dbWatcher';
import { tempWorkspace } from './workspaceFixture';

async function firstChange(fsWatch: boolean, write: (db: string) => void, db: string): Promise<{ ms: number; count: number }> {
  const seen: number[] = [];
  const watcher = new DbWatcher(() => seen.push(Date.now()), { fsWatch, pollMs: 400 });
  try {
    watcher.add(db);
    await new Promise((r) => setTimeout(r, 50));
    const start = Date.now();
    write(db);
    for (let i = 0; i < 40 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const ms = (seen[0] ?? Infinity) - start;
    await new Promise((r) => setTimeout(r, 500));
    return { ms, count: seen.length };
  } finally {
    watcher.dispose();
  }
}

function tenCommits(db: string): void {
  const store = MetadataStore.open(db);
  try {
    for (let i = 0; i < 10; i++) store.beginRun('watched', `run-${i}-${Math.random()}`);
  } finally {
    store.close();
  }
}

describe('database watcher', () => {
  for (const fsWatch of [true, false]) {
    it(`reports another connection's commits within 1 s (${fsWatch ? 'fs.watch and poll' : 'poll only'}), coalesced`, async () => {
      const ws = tempWorkspace();
      try {
        MetadataStore.open(ws.db).close();
        const { ms, count } = await firstChange(fsWatch, tenCommits, ws.db);
        assert.ok(ms < 1000, `first notification after ${ms} ms`);
        assert.ok(count >= 1 && count <= 5, `${count} notifications for one burst of 10 commits`);
      } finally {
        ws.dispose();
      }
    });
  }

  it('reports a database created after watching started', async () => {
    const ws = tempWorkspace();
    try {
      const { ms } = await firstChange(true, tenCommits, join(ws.root, 'later', 'metadata.sqlite'));
      assert.ok(ms < 1000, `first notification after ${ms} ms`);
    } finally {
      ws.dispose();
    }
  });

  it("a store on a server is watched through its change signature: another connection's commit is seen, an unreachable moment is not fatal", async () => {
    // The probe reads the store's own signature through its own connection, as the server does for a
    // MySQL store (here a SQLite one: the same query; the MySQL run of it is in the MySQL suites).
    const ws = tempWorkspace();
    const reader = MetadataStore.open(ws.db);
    let unreachable = false;
    const seen: string[] = [];
    const watcher = new DbWatcher((path) => seen.push(path), { pollMs: 100, coalesceMs: 50 });
    try {
      watcher.add('mysql://me@db/mlmd', () => {
        if (unreachable) throw new Error('connect ECONNREFUSED');
        return reader.changeSignature();
      });
      await new Promise((r) => setTimeout(r, 250));
      assert.deepEqual(seen, [], 'no change, no notification (the first answer is the baseline)');
      tenCommits(ws.db);
      for (let i = 0; i < 40 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(seen, ['mysql://me@db/mlmd']);
      unreachable = true;
      await new Promise((r) => setTimeout(r, 250));
      unreachable = false;
      const store = MetadataStore.open(ws.db);
      const run = store.beginRun('watched', 'after-outage');
      store.setContextProperties(run.runContextId, { note: 'x' });
      store.close();
      for (let i = 0; i < 40 && seen.length === 1; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(seen.length, 2, 'the poll carried on after the outage');
    } finally {
      watcher.dispose();
      reader.close();
      ws.dispose();
    }
  });
});
