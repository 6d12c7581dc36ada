// Resolving ExampleGen's `input` (a file, a folder, a glob, with {SPAN}/{VERSION}) to concrete files,
// the way TFX's ExampleGen driver picks the newest span: pure filesystem work, no DuckDB.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { ComponentError } from '../components/spec';

export type FileFormat = 'csv' | 'json' | 'jsonl' | 'parquet';

export interface ResolvedInput {
  files: string[];
  format: FileFormat;
  span: number;
  version: number;
  /** Whether the pattern had {SPAN}/{VERSION} (TFX records span 0 otherwise). */
  hasSpan: boolean;
  hasVersion: boolean;
}

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

export function formatOfFile(file: string): FileFormat | undefined {
  return EXTENSIONS[extname(file).toLowerCase()];
}

const GLOB_CHARS = /[*?[]/;

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|\\\]]/g, '\\$&');
}

/** One path segment pattern as a regex: * ? [..] globs, {SPAN}/{VERSION} capture digits. */
function segmentRegex(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    if (segment.startsWith('{SPAN}', i)) {
      out += '(?<span>\\d+)';
      i += 5;
    } else if (segment.startsWith('{VERSION}', i)) {
      out += '(?<version>\\d+)';
      i += 8;
    } else {
      const ch = segment[i] as string;
      if (ch === '*') out += '[^/\\\\]*';
      else if (ch === '?') out += '[^/\\\\]';
      else if (ch === '[') {
        const end = segment.indexOf(']', i);
        if (end < 0) out += '\\[';
        else {
          out += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
          i = end;
        }
      } else out += escapeRegex(ch);
    }
  }
  return new RegExp(`^${out}$`);
}

interface Match {
  path: string;
  span?: number;
  version?: number;
}

function isPattern(segment: string): boolean {
  return GLOB_CHARS.test(segment) || segment.includes('{SPAN}') || segment.includes('{VERSION}');
}

/** Walk the pattern one segment at a time from the longest literal prefix. */
function expandPattern(absPattern: string): Match[] {
  const segments = absPattern.split(/[\\/]+/);
  let firstPattern = segments.findIndex(isPattern);
  if (firstPattern < 0) firstPattern = segments.length;
  const base = segments.slice(0, firstPattern).join(sep) || sep;
  let current: Match[] = [{ path: base }];
  for (const segment of segments.slice(firstPattern)) {
    const next: Match[] = [];
    for (const m of current) {
      if (!isPattern(segment)) {
        const p = join(m.path, segment);
        if (existsSync(p)) next.push({ ...m, path: p });
        continue;
      }
      let names: string[];
      try {
        if (!statSync(m.path).isDirectory()) continue;
        names = readdirSync(m.path);
      } catch {
        continue;
      }
      const re = segmentRegex(segment);
      for (const name of names.sort()) {
        const hit = re.exec(name);
        if (!hit) continue;
        const span = hit.groups?.['span'];
        const version = hit.groups?.['version'];
        next.push({
          path: join(m.path, name),
          span: span !== undefined ? Number(span) : m.span,
          version: version !== undefined ? Number(version) : m.version,
        });
      }
    }
    current = next;
  }
  return current;
}

function dataFilesIn(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (formatOfFile(p)) out.push(p);
    }
  };
  walk(folder);
  return out;
}

export interface InputParams {
  input?: unknown;
  span?: unknown;
  version?: unknown;
}

/** Resolve params.input to files; `forced` fixes the format (CsvExampleGen), else by extension. */
export function resolveInput(params: InputParams, pipelineDir: string, forced?: FileFormat): ResolvedInput {
  const input = params.input;
  if (typeof input !== 'string' || input.trim() === '') {
    throw new ComponentError('params.input is missing', 'set `input:` to a file, folder or glob relative to the pipeline file, e.g. data/*.csv');
  }
  const abs = isAbsolute(input) ? input : resolve(pipelineDir, input);
  const hasSpan = input.includes('{SPAN}');
  const hasVersion = input.includes('{VERSION}');
  let matches: Match[];
  if (hasSpan || hasVersion || GLOB_CHARS.test(input)) matches = expandPattern(abs);
  else if (existsSync(abs)) matches = [{ path: abs }];
  else throw new ComponentError(`input not found: ${input} (looked for ${abs})`, 'check params.input; relative paths are relative to the pipeline file');

  if (matches.length === 0) {
    throw new ComponentError(`no files match ${input}`, hasSpan ? 'data for a span goes in a path matching the pattern, e.g. span-1/, span-2/' : 'check the pattern in params.input');
  }
  let span = 0;
  let version = 0;
  if (hasSpan) {
    const wanted = typeof params.span === 'number' ? params.span : Math.max(...matches.map((m) => m.span ?? 0));
    matches = matches.filter((m) => m.span === wanted);
    if (matches.length === 0) throw new ComponentError(`span ${wanted} not found for ${input}`, 'pick an existing span or remove params.span');
    span = wanted;
  }
  if (hasVersion) {
    const wanted = typeof params.version === 'number' ? params.version : Math.max(...matches.map((m) => m.version ?? 0));
    matches = matches.filter((m) => m.version === wanted);
    if (matches.length === 0) throw new ComponentError(`version ${wanted} not found for ${input}`, 'pick an existing version or remove params.version');
    version = wanted;
  }
  const files: string[] = [];
  for (const m of matches) {
    if (statSync(m.path).isDirectory()) files.push(...dataFilesIn(m.path));
    else files.push(m.path);
  }
  if (files.length === 0) {
    throw new ComponentError(`no data files (.csv, .json, .jsonl, .parquet) found for ${input}`, 'put data files there or point params.input at them');
  }
  const formats = new Set(files.map((f) => forced ?? formatOfFile(f)));
  if (formats.has(undefined)) {
    const bad = files.find((f) => !formatOfFile(f)) as string;
    throw new ComponentError(`cannot tell the format of ${bad}`, 'use a .csv, .json, .jsonl or .parquet extension, or set params.format');
  }
  if (formats.size > 1) {
    throw new ComponentError(`input mixes formats (${[...formats].join(', ')}): ${input}`, 'point params.input at files of one format');
  }
  return { files: [...new Set(files)].sort(), format: [...formats][0] as FileFormat, span, version, hasSpan, hasVersion };
}

/** Cache key part: resolved files with size and mtime, and the span/version, so new data re-runs. */
export function fingerprintResolved(resolved: ResolvedInput): string {
  const h = createHash('sha256');
  h.update(`format=${resolved.format};span=${resolved.span};version=${resolved.version}\n`);
  for (const f of resolved.files) {
    const st = statSync(f);
    h.update(`${f}\t${st.size}\t${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

/** The cache-key part for ExampleGen (resolved files, sizes, mtimes, span). Never throws. */
export function inputFingerprint(params: Record<string, unknown>, pipelineDir: string): string {
  try {
    const forced = params['format'] === undefined || params['format'] === 'auto' ? undefined : (params['format'] as FileFormat);
    return fingerprintResolved(resolveInput(params, pipelineDir, forced));
  } catch (err) {
    // An unresolvable input fails in the executor with a clear message; the key just must differ.
    return `unresolved:${err instanceof Error ? err.message : String(err)}`;
  }
}
