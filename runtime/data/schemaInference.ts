import type { ExecutorContext } from '../components/spec';

export async function runSchemaGen(ctx: ExecutorContext): Promise<void> {
  throw new Error(`${ctx.componentId}: not implemented yet`);
}
export async function runSchemaImporter(ctx: ExecutorContext): Promise<void> {
  throw new Error(`${ctx.componentId}: not implemented yet`);
}
export function schemaFileFingerprint(params: Record<string, unknown>, pipelineDir: string): string {
  return `${String(params['schema'])}@${pipelineDir}`;
}
