// Reading a Report artifact's folder (the layout of common/artifacts.ts) into what the report view shows.
// No `vscode` import: the webview tests read their fixtures through this same function.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPORT_FILES, REPORT_MAX_BYTES, reportFileIn } from '../../common/artifacts';
import type { ReportSnapshot } from '../../webviews/protocol';

/** The report in `uri` (the artifact's folder, or a report file itself), or a snapshot whose `error` says what is wrong. */
export function readReport(uri: string, label: string): ReportSnapshot {
  const base: ReportSnapshot = { label, uri, format: null, body: '' };
  if (!existsSync(uri)) return { ...base, error: `The report's folder ${uri} does not exist on this machine.` };
  const isDir = statSync(uri).isDirectory();
  const found = reportFileIn(isDir ? readdirSync(uri) : [basename(uri)]);
  if (!found) {
    const names = REPORT_FILES.map((r) => r.file).join(', ');
    return { ...base, error: `No report in ${uri}: the step should write one of ${names} into its Report output.` };
  }
  const path = isDir ? join(uri, found.file) : uri;
  const size = statSync(path).size;
  if (size > REPORT_MAX_BYTES) {
    return { ...base, file: found.file, error: `${found.file} is ${(size / 1024 / 1024).toFixed(1)} MB; reports over ${REPORT_MAX_BYTES / 1024 / 1024} MB are not shown. Open the file instead.` };
  }
  return { ...base, format: found.format, file: found.file, body: readFileSync(path, 'utf8') };
}

/** The report file's path, for "Open file". */
export function reportFilePath(uri: string, file: string | undefined): string | undefined {
  if (!file) return undefined;
  return existsSync(uri) && statSync(uri).isDirectory() ? join(uri, file) : uri;
}
