// Per-platform VSIX figures (issue 16): size and file count of each target's package, built the way a
// release is (`npm run package -- --all`, production bundles), against the single VSIX of before (60.5 MB,
// 7,981 files, measured when the issue was filed); and the extension's activation time when installed
// from the linux-x64 VSIX against the same figure with the checkout linked as the extension, both in
// code-server, reported by the extension itself (MLPIPE_REPORT_ACTIVATION), median of three sessions each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eSkipReason, openSession, repo } from '../e2e/codeServer';
import type { BenchResult } from './result';

export const title = 'Per-platform VSIX (issue 16)';

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const SESSIONS = 3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function activationMs(vsix: string | undefined): Promise<number> {
  const session = await openSession({ trusted: true, sample: 'basic', vsix });
  try {
    for (let i = 0; i < 100; i++) {
      const line = session.console().find((l) => /activated in [\d.]+ ms/.test(l));
      if (line) return Number(/activated in ([\d.]+) ms/.exec(line)![1]);
      await session.page.waitForTimeout(300);
    }
    throw new Error('the extension did not report its activation');
  } finally {
    await session.close();
  }
}

export async function bench(): Promise<BenchResult[]> {
  const out = mkdtempSync(join(tmpdir(), 'mlpipe-bench-vsix-'));
  try {
    const r = spawnSync(process.execPath, [join(repo, 'scripts', 'package.mjs'), '--all', '--out', out], { encoding: 'utf8' });
    const results: BenchResult[] = [];
    for (const target of TARGETS) {
      const line = new RegExp(`^${target}: .*?([\\d.]+) MB, (\\d+) files$`, 'm').exec(r.stdout);
      const missing = new RegExp(`^${target}: not packaged here: (.*)$`, 'm').exec(r.stdout);
      if (!line) {
        results.push({ name: `${target}: VSIX`, value: 0, unit: 'MB', note: missing ? `not packaged here: ${missing[1]}` : `packaging failed: ${r.stderr.slice(-200)}` });
        continue;
      }
      const mb = statSync(join(out, `mlpipe-${target}.vsix`)).size / 1e6;
      const files = Number(line[2]);
      const goal = target === 'linux-x64';
      results.push({ name: `${target}: VSIX size`, value: mb, unit: 'MB', target: goal ? '< 25 MB' : undefined, ok: goal ? mb < 25 : undefined, reference: { name: 'one VSIX for all, before', value: 60.5, unit: 'MB' } });
      results.push({ name: `${target}: files in the VSIX`, value: files, unit: 'files', target: goal ? '< 500' : undefined, ok: goal ? files < 500 : undefined, reference: { name: 'one VSIX for all, before', value: 7981, unit: 'files' } });
    }
    const skip = e2eSkipReason();
    if (skip) {
      results.push({ name: 'activation from the installed VSIX', value: 0, unit: 'ms', note: `not measured: ${skip}` });
      return results;
    }
    // The dist/ the VSIX was built from is the production one, so the checkout is measured on it too.
    const fromVsix: number[] = [];
    const fromCheckout: number[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      fromVsix.push(await activationMs(join(out, 'mlpipe-linux-x64.vsix')));
      fromCheckout.push(await activationMs(undefined));
    }
    results.push({
      name: 'activation, installed from the linux-x64 VSIX (extension-reported, median of 3)',
      value: median(fromVsix),
      unit: 'ms',
      reference: { name: 'checkout linked as the extension', value: median(fromCheckout), unit: 'ms' },
      note: `VSIX ${fromVsix.map((v) => v.toFixed(0)).join(', ')} ms; checkout ${fromCheckout.map((v) => v.toFixed(0)).join(', ')} ms`,
    });
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
