// Loading a user's TS/JS module (Function components, Trainer run_fn, Transform hooks): bundled with
// esbuild into the execution's scratch folder and required from there. Only ever called when the
// workspace is trusted, and only when a step runs (never at import or validation time).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ComponentError } from './spec';

export async function loadUserModule(modulePath: string, ctx: { pipelineDir: string; tmpDir: string; trusted: boolean }): Promise<Record<string, unknown>> {
  const { pipelineDir, tmpDir } = ctx;
  if (!ctx.trusted) throw new ComponentError(`${modulePath} is workspace code, and this workspace is not trusted`, 'trust the workspace to run it');
  const abs = resolve(pipelineDir, modulePath);
  if (!existsSync(abs)) throw new ComponentError(`module not found: ${modulePath}`, `create it, or fix params.module (relative to ${pipelineDir})`);
  const out = join(tmpDir, `module-${createHash('sha1').update(abs).digest('hex').slice(0, 8)}.cjs`);
  // esbuild loads only when a step needs it, not at every CLI start. The inline source map lets Debug Step's
  // JavaScript debugger bind breakpoints set in the module's own file.
  const { build } = await import('esbuild');
  try {
    await build({ entryPoints: [abs], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent', packages: 'external', sourcemap: 'inline' });
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new ComponentError(`${where}${first?.text ?? String(err)}`, 'fix the module so that it compiles');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(out) as Record<string, unknown>;
}

/** Content hash of a module file, for the cache key (TFX puts module_file contents in it). */
export function moduleFingerprint(modulePath: unknown, pipelineDir: string): string {
  if (typeof modulePath !== 'string') return '';
  const abs = resolve(pipelineDir, modulePath);
  if (!existsSync(abs)) return `missing:${abs}`;
  return createHash('sha256').update(readFileSync(abs)).digest('hex');
}
