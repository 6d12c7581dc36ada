// KFP's pipeline_spec.proto (the shared fixture, read in place) loaded with protobufjs, and the strict
// ProtoJSON parse the KFP API server does with Go's protojson.Unmarshal: unknown fields, bad enum names
// and two members of one oneof are errors. The proto imports google/rpc/status.proto, which is not in the
// fixtures; a message with the same three fields is written to a temp folder instead.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson.js';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';

export const PROTO = 'export/kfp/pipeline_spec.proto';
export const skipWithoutProto = skipWithoutFixture(PROTO);

let root: protobuf.Root | undefined;

function load(): protobuf.Root {
  if (root) return root;
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-kfp-proto-'));
  mkdirSync(join(dir, 'google', 'rpc'), { recursive: true });
  const status = join(dir, 'google', 'rpc', 'status.proto');
  writeFileSync(status, 'syntax = "proto3";\npackage google.rpc;\nimport "google/protobuf/any.proto";\nmessage Status {\n  int32 code = 1;\n  string message = 2;\n  repeated google.protobuf.Any details = 3;\n}\n');
  const r = new protobuf.Root();
  r.resolvePath = (origin, target) => (target === 'google/rpc/status.proto' ? status : protobuf.util.path.resolve(origin, target));
  r.loadSync(sharedFixture(PROTO));
  r.resolveAll();
  root = r;
  return r;
}

/** Parses strictly as the named message (e.g. `PipelineSpec`); returns the error message, or undefined when it parses. */
export function protoError(message: 'PipelineSpec' | 'PipelineDeploymentConfig' | 'ExecutorInput' | 'ExecutorOutput' | 'PlatformSpec', json: unknown): string | undefined {
  try {
    protojson.fromJson(load().lookupType(`ml_pipelines.${message}`), json);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Both parses the KFP backend does: the spec, and its deploymentSpec again as PipelineDeploymentConfig. */
export function pipelineSpecProtoErrors(doc: unknown): string[] {
  const errors: string[] = [];
  const spec = protoError('PipelineSpec', doc);
  if (spec) errors.push(`PipelineSpec: ${spec}`);
  const deployment = (doc as { deploymentSpec?: unknown }).deploymentSpec;
  if (deployment !== undefined) {
    const d = protoError('PipelineDeploymentConfig', deployment);
    if (d) errors.push(`deploymentSpec as PipelineDeploymentConfig: ${d}`);
  }
  return errors;
}
