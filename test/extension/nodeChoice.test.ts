// How the extension picks the runtime's Node: the setting when set (and it must work), else `node`
// on PATH, else the extension host's own executable; too old or missing gives a message that sends
// the user to the setting.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chooseNode, RuntimeStartError } from '../../extension/nodeChoice';

describe('choosing the runtime Node', () => {
  let dir: string;
  let oldNode: string;
  const savedPath = process.env.PATH;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlpipe-node-'));
    // A stand-in for an old Node: answers `node -p process.versions.node` with 18.19.0.
    oldNode = join(dir, 'node');
    writeFileSync(oldNode, '#!/bin/sh\necho 18.19.0\n');
    chmodSync(oldNode, 0o755);
  });
  after(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the configured Node when it is recent enough', async () => {
    const choice = await chooseNode(process.execPath);
    assert.equal(choice.command, process.execPath);
    assert.equal(choice.version, process.versions.node);
  });

  it('refuses a configured Node that is too old, pointing at the setting', async () => {
    await assert.rejects(chooseNode(oldNode), (e: unknown) => {
      assert.ok(e instanceof RuntimeStartError);
      assert.equal(e.settingsFix, true);
      assert.match(e.message, /mlpipe\.runtime\.nodePath/);
      assert.match(e.message, /18\.19\.0/);
      assert.match(e.message, /Node 20 or newer/);
      return true;
    });
  });

  it('refuses a configured path that does not start', async () => {
    await assert.rejects(chooseNode(join(dir, 'missing-node')), (e: unknown) => e instanceof RuntimeStartError && e.settingsFix && /could not be started/.test(e.message));
  });

  it('falls back to its own executable when `node` on PATH is too old', async () => {
    process.env.PATH = dir;
    try {
      const choice = await chooseNode(undefined);
      assert.equal(choice.command, process.execPath);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
