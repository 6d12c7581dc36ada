// Runs the test suites with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [folder-or-file ...]
//   (default: test/common test/runtime test/extension test/webviews test/e2e: the source's layers, then end to end)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const targets = args.length ? args : ['test/common', 'test/runtime', 'test/extension', 'test/webviews', 'test/e2e'];

function collect(path, out) {
  if (!existsSync(path)) return out;
  if (statSync(path).isFile()) {
    out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = targets.flatMap((t) => collect(t, []));
if (files.length === 0) {
  console.error('no test files found in', targets.join(', '));
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
