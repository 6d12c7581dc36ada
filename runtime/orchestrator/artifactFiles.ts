// What is on disk under an artifact's URI: its files with their sizes, and whether two artifacts hold the
// same bytes. The publisher records the total size (`byte_size`, beside TFX's own custom properties); the
// run comparison decides "same content" from the files themselves, so it also answers for artifacts that
// TFX wrote, wherever their folders are still on this machine.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The custom property the publisher records on every output: bytes under its URI. */
export const BYTE_SIZE_PROPERTY = 'byte_size';

export interface ArtifactFile {
  /** Path below the URI, `/`-separated. */
  path: string;
  bytes: number;
}

/** The files under a URI (itself when it is a file), sorted by path; undefined when nothing is there. */
export function listArtifactFiles(uri: string): ArtifactFile[] | undefined {
  if (!uri || !existsSync(uri)) return undefined;
  const top = statSync(uri);
  if (top.isFile()) return [{ path: '', bytes: top.size }];
  const out: ArtifactFile[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile()) out.push({ path: rel, bytes: statSync(full).size });
    }
  };
  walk(uri, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function totalBytes(files: readonly ArtifactFile[]): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}

/** How two artifacts' contents compare, and the reason in words. */
export type ContentVerdict =
  | { verdict: 'same-content'; how: string }
  | { verdict: 'different-content'; how: string }
  | { verdict: 'unknown'; how: string };

/** Above this many bytes per side the files are compared by their list and sizes only, not hashed. */
export const HASH_LIMIT_BYTES = 256 * 1024 * 1024;

function sha256(file: string): string {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) h.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * Same content when both URIs hold the same files (paths and sizes) with the same SHA-256, file by file.
 * A different file list or size decides without reading a byte; a side whose folder is gone is unknown.
 */
export function compareArtifactContent(leftUri: string, rightUri: string, limit = HASH_LIMIT_BYTES): ContentVerdict {
  const left = listArtifactFiles(leftUri);
  const right = listArtifactFiles(rightUri);
  if (!left || !right) return { verdict: 'unknown', how: `the files of ${!left ? leftUri : rightUri} are not on this machine` };
  const rightByPath = new Map(right.map((f) => [f.path, f]));
  const leftPaths = new Set(left.map((f) => f.path));
  const added = right.filter((f) => !leftPaths.has(f.path)).map((f) => f.path);
  const removed = left.filter((f) => !rightByPath.has(f.path)).map((f) => f.path);
  if (added.length || removed.length) {
    const parts = [added.length ? `added ${added.slice(0, 3).join(', ')}${added.length > 3 ? ' …' : ''}` : '', removed.length ? `removed ${removed.slice(0, 3).join(', ')}${removed.length > 3 ? ' …' : ''}` : ''];
    return { verdict: 'different-content', how: `other files: ${parts.filter(Boolean).join('; ')}` };
  }
  for (const f of left) {
    const other = rightByPath.get(f.path)!;
    if (other.bytes !== f.bytes) return { verdict: 'different-content', how: `${f.path || 'the file'} is ${f.bytes} bytes, then ${other.bytes}` };
  }
  const bytes = totalBytes(left);
  if (bytes > limit) return { verdict: 'unknown', how: `the same ${left.length} file(s) and sizes; ${bytes} bytes are too many to hash` };
  for (const f of left) {
    const a = f.path ? join(leftUri, f.path) : leftUri;
    const b = f.path ? join(rightUri, f.path) : rightUri;
    if (sha256(a) !== sha256(b)) return { verdict: 'different-content', how: `${f.path || 'the file'} has other bytes (SHA-256)` };
  }
  return { verdict: 'same-content', how: `the same ${left.length} file(s), byte for byte (SHA-256)` };
}
