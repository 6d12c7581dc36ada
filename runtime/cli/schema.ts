// `mlpipe schema`: the JSON Schema of pipeline files, generated from the component registry.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pipelineJsonSchema } from '../definition/jsonSchema';
import { registryCatalog } from '../components/registryCatalog';

export function writeSchema(outFile: string | undefined, out: NodeJS.WritableStream): void {
  const text = `${JSON.stringify(pipelineJsonSchema(registryCatalog), null, 2)}\n`;
  if (!outFile) {
    out.write(text);
    return;
  }
  mkdirSync(dirname(resolve(outFile)), { recursive: true });
  writeFileSync(outFile, text);
}
