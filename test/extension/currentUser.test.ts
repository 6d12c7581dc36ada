// Who an approval is recorded for: git's user.name for the workspace, else the OS user.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { currentUser } from '../../extension/currentUser';

describe('the approving user', () => {
  let repo: string;
  let home: string;
  const saved = { HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

  before(() => {
    // An empty HOME, so the machine's own ~/.gitconfig does not leak into the test.
    home = mkdtempSync(join(tmpdir(), 'mlpipe-home-'));
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    repo = mkdtempSync(join(tmpdir(), 'mlpipe-git-'));
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'config', 'user.name', 'Grace "Amazing" Hopper; rm -rf /']);
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(repo, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it("is git's user.name of the workspace, taken literally (no shell)", async () => {
    assert.equal(await currentUser(repo), 'Grace "Amazing" Hopper; rm -rf /');
  });

  it('is the OS user when git has no user.name', async () => {
    assert.equal(await currentUser(home), userInfo().username);
  });
});
