// The CLI's reading commands as a user meets them (issue 10, group 8), the built `mlpipe` as a real child
// process: the README's command sequence after VS Code was used on samples/, output cut short by a pipe,
// a header and ids that say what they are, `show <run id>`, and one line for a cached step.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliPath, ensureBuilt, repoRoot, runCli } from './workspaceFixture';

/** The CLI with its stdout closed before it writes: what `mlpipe runs | head -2` does once head has its lines. */
function runWithClosedStdout(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  ensureBuilt();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

describe('CLI: runs, show and lineage', () => {
  let checkout: string;
  let runId: string;
  let executionIds: number[];

  before(async () => {
    // A checkout whose samples/ folder VS Code has opened: it made samples/.mlpipe/ (DESIGN §4).
    checkout = mkdtempSync(join(tmpdir(), 'mlpipe-readme-'));
    cpSync(join(repoRoot, 'samples', 'basic'), join(checkout, 'samples', 'basic'), { recursive: true });
    mkdirSync(join(checkout, 'samples', '.mlpipe'), { recursive: true });
    // The README's first command, from the checkout's root.
    const run = await runCli(['run', 'samples/basic/basic.pipeline.yaml'], checkout);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(checkout, 'samples', '.mlpipe', 'metadata.sqlite')), 'run used the database VS Code uses');
    assert.ok(!existsSync(join(checkout, '.mlpipe')));
    runId = /^run (\S+) of basic/m.exec(run.stdout)![1]!;
    executionIds = [...run.stdout.matchAll(/\(execution (\d+)\)/g)].map((m) => Number(m[1]));
    assert.equal(executionIds.length, 3, run.stdout);
  });
  after(() => rmSync(checkout, { recursive: true, force: true }));

  it("the README's sequence finds the database run used, from the same folder, and says which", async () => {
    const runs = await runCli(['runs'], checkout);
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, new RegExp(`^${runId.replace(/[.]/g, '\\.')}\\s+basic\\s+complete\\s`, 'm'));
    assert.match(runs.stderr, /using samples\/\.mlpipe\/metadata\.sqlite/);
    const show = await runCli(['show', String(executionIds[0])], checkout);
    assert.equal(show.code, 0, show.stderr);
    const artifact = /artifact (\d+) Examples/.exec(show.stdout);
    assert.ok(artifact, show.stdout);
    const lineage = await runCli(['lineage', artifact[1]!], checkout);
    assert.equal(lineage.code, 0, lineage.stderr);
    assert.match(lineage.stdout, new RegExp(`execution ${executionIds[0]} prepare .*--OUTPUT data--> artifact ${artifact[1]} Examples`));
  });

  it('runs prints a header, and its first column is the run id that run printed', async () => {
    const runs = await runCli(['runs'], checkout);
    const [header, first] = runs.stdout.split('\n');
    assert.match(header!, /^RUN ID\s+PIPELINE\s+STATE\s+STARTED\s+EXECUTIONS\s+DURATION$/);
    assert.equal(first!.split(/\s+/)[0], runId);
  });

  it('show <run id> lists that run’s executions, each with its execution id', async () => {
    const show = await runCli(['show', runId], checkout);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^run ${runId.replace(/[.]/g, '\\.')} of basic: complete, 3 execution\\(s\\)`));
    assert.match(show.stdout, /^\s+EXECUTION\s+STEP\s+STATE\s+DURATION\s+TYPE$/m);
    for (const [i, step] of ['prepare', 'count', 'report'].entries()) assert.match(show.stdout, new RegExp(`^\\s+${executionIds[i]}\\s+${step}\\s+complete\\s`, 'm'));
    const json = JSON.parse((await runCli(['show', runId, '--json'], checkout)).stdout) as { run: { name: string }; executions: Array<{ id: number }> };
    assert.equal(json.run.name, runId);
    assert.deepEqual(json.executions.map((e) => e.id), executionIds);
    const unknown = await runCli(['show', 'no-such-run'], checkout);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run no-such-run/);
  });

  it('a cached step prints one line, "cached", and no "running" line', async () => {
    const again = await runCli(['run', 'samples/basic/basic.pipeline.yaml'], checkout);
    assert.equal(again.code, 0, again.stderr);
    for (const step of ['prepare', 'count', 'report']) {
      const lines = again.stdout.split('\n').filter((l) => l.startsWith(`${step}:`));
      assert.equal(lines.length, 1, again.stdout);
      assert.match(lines[0]!, new RegExp(`^${step}: cached in `));
    }
  });

  it('output cut short by a pipe (| head) ends quietly: no EPIPE stack, the exit code of the command', async () => {
    for (const args of [['runs'], ['show', runId], ['show', String(executionIds[1])], ['lineage', '1'], ['help'], ['run', 'samples/basic/basic.pipeline.yaml']]) {
      const r = await runWithClosedStdout(args, checkout);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at |internal error/, args.join(' '));
    }
  });
});
