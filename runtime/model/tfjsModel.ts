// The TF.js format behind the LoadedModel interface: today's serving path (predict.ts) unchanged.
import { disposeModel, loadModel, predictRaw } from './predict';
import type { LoadedModel } from './servingModel';
import type { ModelSignature } from './signature';

export async function loadTfjsModel(dir: string): Promise<LoadedModel> {
  const model = await loadModel(dir);
  const label = model.spec.label;
  const signature: ModelSignature = {
    format: 'tfjs',
    task: label.kind,
    label: label.source,
    ...(label.kind === 'classification' ? { classes: label.classes } : {}),
    inputs: model.spec.features.map((f) => ({ name: f.tensorName, columns: [f.column], dtype: 'float32' as const })),
    output: { meaning: label.kind === 'classification' ? 'probabilities' : 'values' },
  };
  return {
    format: 'tfjs',
    dir: model.dir,
    signature,
    ...(model.program ? { program: model.program } : {}),
    predictRaw: async (rows) => predictRaw(model, rows),
    dispose: () => disposeModel(model),
  };
}
