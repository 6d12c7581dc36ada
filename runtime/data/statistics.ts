import type { ExecutorContext } from '../components/spec';

export async function runStatisticsGen(ctx: ExecutorContext): Promise<void> {
  throw new Error(`${ctx.componentId}: not implemented yet`);
}
