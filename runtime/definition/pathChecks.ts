// Does a file, folder or glob named by a `path` param exist? Node 20 has no fs.globSync, so globs are
// matched by walking the folder before the first wildcard (bounded, so a huge tree cannot stall typing).
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export type PathKind = 'file' | 'folder' | 'any' | 'glob';

const GLOB_CHARS = /[*?[\]{}]/;
const MAX_ENTRIES = 20_000;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** `**` crosses folders, `*` and `?` do not; `{a,b}` alternatives; `[abc]` classes. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${pattern
          .slice(i + 1, close)
          .split(',')
          .map((s) => s.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
          .join('|')})`;
        i = close;
      }
    } else if (ch === '[') {
      const close = pattern.indexOf(']', i);
      if (close < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += ch.replace(/[.+^$()|\\}\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function kindOf(path: string): 'file' | 'folder' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'folder' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function globMatches(baseDir: string, pattern: string): boolean {
  const normalized = pattern.split(sep).join('/');
  const parts = normalized.split('/');
  const firstGlob = parts.findIndex((p) => isGlob(p));
  const prefix = parts.slice(0, firstGlob).join('/');
  const root = isAbsolute(normalized) ? prefix || '/' : resolve(baseDir, prefix);
  if (kindOf(root) !== 'folder') return false;
  const matcher = globToRegExp(parts.slice(firstGlob).join('/'));
  let seen = 0;
  const stack = [root];
  while (stack.length && seen < MAX_ENTRIES) {
    const dir = stack.pop() as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const full = join(dir, e.name);
      const rel = relative(root, full).split(sep).join('/');
      if (e.isFile() && matcher.test(rel)) return true;
      if (e.isDirectory()) stack.push(full);
    }
  }
  return false;
}

/** A reason the path does not satisfy `kind`, or undefined when it does. */
export function checkPath(baseDir: string, rawPath: string, kind: PathKind): string | undefined {
  // TFX's `{SPAN}` / `{VERSION}` placeholders select among existing folders: any value will do here.
  const path = kind === 'glob' ? rawPath.replace(/\{(SPAN|VERSION)\}/g, '*') : rawPath;
  if (kind === 'glob' && isGlob(path)) {
    return globMatches(baseDir, path) ? undefined : `no file matches \`${rawPath}\``;
  }
  const found = kindOf(resolve(baseDir, path));
  if (!found) return `\`${rawPath}\` does not exist`;
  if (kind === 'file' && found !== 'file') return `\`${path}\` is a folder, not a file`;
  if (kind === 'folder' && found !== 'folder') return `\`${path}\` is a file, not a folder`;
  return undefined;
}
