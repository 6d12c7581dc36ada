// The data files in ../shared/fixtures (beside the checkout, also in CI). Tests read them in place and
// skip, saying why, where the folder is absent; nothing from there is copied into the project.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// MLPIPE_SHARED_FIXTURES points elsewhere, for a worktree that does not sit beside shared/.
export const SHARED_FIXTURES = process.env['MLPIPE_SHARED_FIXTURES'] ?? resolve(__dirname, '..', '..', 'shared', 'fixtures');

export function sharedFixture(relPath: string): string {
  return join(SHARED_FIXTURES, relPath);
}

/** For `{ skip: … }`: false when the file is there, else the reason to skip. */
export function skipWithoutFixture(relPath: string): false | string {
  const path = sharedFixture(relPath);
  return existsSync(path) ? false : `${path} is absent (the shared fixtures live beside the checkout)`;
}
