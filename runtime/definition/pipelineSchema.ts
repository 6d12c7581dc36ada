// The JSON Schema of pipeline files and the hover docs, both generated from a component catalog, so
// editor completion can never disagree with validation. Pure: jsonSchema.ts binds it to the registry,
// and the extension host can use it with catalogFromSchema(dist/pipeline.schema.json).
import type { ComponentDescription, InputSpec, ParamSpec } from '../components/spec';
import { COMPONENT_ID_PATTERN, PIPELINE_NAME_PATTERN } from './parse';
import { componentManifest, MANIFEST_KEY, type ComponentCatalog } from './componentCatalog';

type JsonSchema = Record<string, unknown>;

export const STANDARD_ARTIFACT_TYPES = [
  'Examples',
  'ExampleStatistics',
  'Schema',
  'ExampleAnomalies',
  'TransformGraph',
  'Model',
  'ModelEvaluation',
  'ModelBlessing',
  'PushedModel',
  'Approval',
  'Report',
];

const JSON_TYPES: Record<ParamSpec['type'], JsonSchema> = {
  string: { type: 'string' },
  path: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  array: { type: 'array' },
  object: { type: 'object' },
  any: {},
};

function docs(text: string): JsonSchema {
  // `description` for plain-text clients, `markdownDescription` for VS Code's JSON/YAML hovers.
  return { description: text.replace(/`/g, ''), markdownDescription: text };
}

function paramSchema(ps: ParamSpec): JsonSchema {
  const s: JsonSchema = { ...JSON_TYPES[ps.type], ...(ps.schema ?? {}), ...docs(ps.doc) };
  if (ps.enum) s['enum'] = [...ps.enum];
  if (ps.default !== undefined) s['default'] = ps.default;
  return s;
}

function inputSchema(is: InputSpec): JsonSchema {
  const d = docs(`${is.doc} (${is.type}${is.optional ? ', optional' : ''})`);
  return is.multiple
    ? { ...d, oneOf: [{ $ref: '#/definitions/reference' }, { type: 'array', items: { $ref: '#/definitions/reference' }, minItems: 1 }] }
    : { ...d, $ref: '#/definitions/reference' };
}

function componentSchema(spec: ComponentDescription): JsonSchema {
  const inputs: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(Object.entries(spec.inputs).map(([k, is]) => [k, inputSchema(is)])),
    required: Object.entries(spec.inputs)
      .filter(([, is]) => !is.optional)
      .map(([k]) => k),
    additionalProperties: spec.anyInputs ? { $ref: '#/definitions/channels' } : false,
    ...docs(`Inputs of ${spec.type}: \`<component id>.<output key>\` for each.`),
  };
  const params: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(Object.entries(spec.params).map(([k, ps]) => [k, paramSchema(ps)])),
    required: Object.entries(spec.params)
      .filter(([, ps]) => ps.required)
      .map(([k]) => k),
    additionalProperties: !!spec.anyParams,
    ...docs(`Params of ${spec.type}.`),
  };
  const properties: JsonSchema = {
    type: { const: spec.type, ...docs(spec.doc) },
    description: { type: 'string' },
    enabled: { type: 'boolean', ...docs('`false` skips this component and everything that depends on it.') },
    inputs,
    params,
  };
  if (spec.declaredOutputs || spec.kind === 'resolver') {
    properties['outputs'] = {
      type: 'object',
      additionalProperties: { type: 'string', examples: STANDARD_ARTIFACT_TYPES, pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' },
      ...docs('Output key -> artifact type, e.g. `{model: Model}`. Use them as `{{outputs.<key>}}`.'),
    };
  }
  const required = ['type'];
  if (Object.values(spec.inputs).some((is) => !is.optional)) required.push('inputs');
  if (Object.values(spec.params).some((ps) => ps.required)) required.push('params');
  return { type: 'object', properties, required, additionalProperties: false };
}

/**
 * JSON Schema (draft-07) for `*.pipeline.yaml|yml|json`. It also carries the specs themselves under
 * `x-mlpipe-components`, so a process that must not load the registry can validate with
 * catalogFromSchema().
 */
export function buildPipelineJsonSchema(catalog: ComponentCatalog): object {
  const specs = [...catalog.types()]
    .map((t) => catalog.get(t))
    .filter((s): s is ComponentDescription => s !== undefined)
    .sort((a, b) => a.type.localeCompare(b.type));
  const definitions: JsonSchema = {
    reference: {
      type: 'string',
      pattern: `^${COMPONENT_ID_PATTERN.source.slice(1, -1)}\\.[A-Za-z0-9_]+$`,
      ...docs('`<component id>.<output key>`, e.g. `example_gen.examples`.'),
    },
    channels: {
      oneOf: [{ $ref: '#/definitions/reference' }, { type: 'array', items: { $ref: '#/definitions/reference' }, minItems: 1 }],
    },
  };
  for (const spec of specs) definitions[`component_${spec.type}`] = componentSchema(spec);
  const component: JsonSchema = {
    type: 'object',
    required: ['type'],
    properties: {
      type: {
        enum: specs.map((s) => s.type),
        ...docs('The component type. Standard TFX-style components, or Command / Function for your own code.'),
        markdownEnumDescriptions: specs.map((s) => s.doc),
      },
    },
    allOf: specs.map((s) => ({
      if: { properties: { type: { const: s.type } }, required: ['type'] },
      then: { $ref: `#/definitions/component_${s.type}` },
    })),
  };
  definitions['component'] = component;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://mlpipe.dev/schemas/pipeline.schema.json',
    title: 'mlpipe pipeline',
    type: 'object',
    required: ['pipeline', 'components'],
    additionalProperties: false,
    properties: {
      pipeline: { type: 'string', pattern: PIPELINE_NAME_PATTERN.source, ...docs('Pipeline name: lowercase letters, digits, `-` and `_`.') },
      description: { type: 'string', ...docs('What the pipeline is for.') },
      schedule: {
        type: 'object',
        required: ['cron'],
        additionalProperties: false,
        properties: {
          cron: { type: 'string', minLength: 1, ...docs('Five cron fields, `minute hour day-of-month month day-of-week` (e.g. `"0 3 * * *"`: every day at 03:00), or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`.') },
          timezone: { type: 'string', ...docs('IANA time zone of the cron times, e.g. `Europe/Berlin` (default: the scheduler\'s, usually UTC).') },
        },
        ...docs('When a scheduler starts the pipeline: exported as an Argo CronWorkflow or a KFP recurring run. `mlpipe run` itself stays one run; see the README for cron and CI.'),
      },
      components: {
        type: 'object',
        propertyNames: { pattern: COMPONENT_ID_PATTERN.source },
        additionalProperties: { $ref: '#/definitions/component' },
        ...docs('Component id -> component. Ids: lowercase letters, digits and `_`, starting with a letter.'),
      },
    },
    definitions,
    [MANIFEST_KEY]: componentManifest(catalog),
  };
}

function paramLine(name: string, ps: ParamSpec): string {
  const pathKinds = { file: 'a file', folder: 'a folder', any: 'a file or folder', glob: 'a file, folder or glob' } as const;
  const facts = [ps.type === 'path' && ps.mustExist ? `path to ${pathKinds[ps.mustExist]}` : ps.type];
  if (ps.required) facts.push('required');
  if (ps.enum) facts.push(`one of ${ps.enum.map((e) => `\`${e}\``).join(', ')}`);
  if (ps.default !== undefined) facts.push(`default \`${JSON.stringify(ps.default)}\``);
  return `\`${name}\` (${facts.join(', ')}): ${ps.doc}`;
}

/**
 * Markdown docs for an editor hover over a component's `type:` (no param), or one of its params,
 * input keys or output keys. Undefined for unknown types and names.
 */
export function describeComponent(catalog: ComponentCatalog, type: string, param?: string): string | undefined {
  let spec: ComponentDescription | undefined;
  try {
    spec = catalog.get(type);
  } catch {
    return undefined; // A hover must never throw into the editor.
  }
  if (!spec) return undefined;
  if (param !== undefined) {
    const ps = spec.params[param];
    if (ps) return `**${spec.type}** param ${paramLine(param, ps)}`;
    // Also answers for input and output keys, so one hover call covers every key under a component.
    const is = spec.inputs[param];
    if (is) return `**${spec.type}** input \`${param}\` (${is.type}${is.optional ? ', optional' : ''}${is.multiple ? ', several' : ''}): ${is.doc}`;
    const os = spec.outputs[param];
    if (os) return `**${spec.type}** output \`${param}\` (${os.type}): ${os.doc}`;
    return undefined;
  }
  const lines = [`**${spec.type}**: ${spec.doc}`];
  const inputs = Object.entries(spec.inputs);
  if (inputs.length) {
    lines.push('', '**Inputs**', ...inputs.map(([k, is]) => `- \`${k}\` (${is.type}${is.optional ? ', optional' : ''}${is.multiple ? ', several' : ''}): ${is.doc}`));
  } else if (spec.anyInputs) lines.push('', '**Inputs**: any keys, any artifact types.');
  const outputs = Object.entries(spec.outputs);
  if (outputs.length) lines.push('', '**Outputs**', ...outputs.map(([k, o]) => `- \`${k}\` (${o.type}): ${o.doc}`));
  else if (spec.declaredOutputs) lines.push('', '**Outputs**: declared under `outputs:`, e.g. `{model: Model}`.');
  const params = Object.entries(spec.params);
  if (params.length) lines.push('', '**Params**', ...params.map(([k, ps]) => `- ${paramLine(k, ps)}`));
  return lines.join('\n');
}
