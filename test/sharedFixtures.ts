// The data files in ../shared/fixtures (beside the checkout, also in CI). Tests read them in place and
// skip, saying why, where the folder is absent; nothing from there is copied into the project.
// A worktree under <repo>/../wt/<branch> finds the same folder one level further up; MLPIPE_SHARED_FIXTURES overrides.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The checkout sits beside shared/; a git worktree one level deeper (MLPIPE_SHARED_FIXTURES overrides both).
const candidates = [resolve(__dirname, '..', '..', 'shared', 'fixtures'), resolve(__dirname, '..', '..', '..', 'shared', 'fixtures')];

export const SHARED_FIXTURES = process.env['MLPIPE_SHARED_FIXTURES'] ?? candidates.find((c) => existsSync(c)) ?? candidates[0]!;

export function sharedFixture(relPath: string): string {
  return join(SHARED_FIXTURES, relPath);
}

/** For `{ skip: … }`: false when the file is there, else the reason to skip. */
export function skipWithoutFixture(relPath: string): false | string {
  const path = sharedFixture(relPath);
  return existsSync(path) ? false : `${path} is absent (the shared fixtures live beside the checkout)`;
}
