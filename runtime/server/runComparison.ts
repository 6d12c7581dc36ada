// The server's run comparison, timeline and metric history requests, over the orchestrator's readers:
// runs come by context id (what the Runs view holds) and errors say what to do.
import { UsageError } from '../errors';
import type { MetadataStore } from '../metadata/store';
import { diffRuns, previousRun, runById, type RunDiff } from '../orchestrator/runDiff';
import { runTimeline, type RunTimeline } from '../orchestrator/runTimeline';
export { metricHistory } from '../orchestrator/metricHistory';

export function runDiffRequest(store: MetadataStore, left: number | undefined, right: number): RunDiff {
  const r = runById(store, right);
  const l = left !== undefined ? runById(store, left) : previousRun(store, r);
  if (!l) throw new UsageError(`Run ${r.name} is the first run of pipeline ${r.pipeline}: there is no run before it to compare with.`, { hint: 'select two runs in the Runs view and use Compare Runs' });
  if (l.id === r.id) throw new UsageError(`Both sides are run ${r.name}.`, { hint: 'select two different runs' });
  return diffRuns(store, l, r);
}

export function runTimelineRequest(store: MetadataStore, runContextId: number): RunTimeline {
  return runTimeline(store, runById(store, runContextId));
}
