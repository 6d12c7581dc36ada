// The sample pipelines a new user opens first: every export must handle all of them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspaceFixture';

/** Every sample pipeline file of the repository. */
export function samplePipelineFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.mlpipe' || e.name === 'node_modules') continue;
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (/\.pipeline\.(ya?ml|json)$/.test(e.name)) out.push(join(dir, e.name));
    }
  };
  walk(join(repoRoot, 'samples'));
  return out.sort();
}
