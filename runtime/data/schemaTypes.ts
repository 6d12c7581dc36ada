// tensorflow_metadata Schema (schema.proto) in protobuf's JSON mapping, the subset we infer and check.
// Readers normalise snake_case (pbtxt, Python-written JSON) to these lowerCamelCase names.

export type SchemaFeatureType = 'TYPE_UNKNOWN' | 'BYTES' | 'INT' | 'FLOAT' | 'STRUCT';

export interface FeatureComparator {
  infinityNorm?: { threshold?: number };
  jensenShannonDivergence?: { threshold?: number; source?: { type?: 'DEFAULT' | 'QUANTILES' | 'STANDARD' } };
  normalizedAbsDifference?: { threshold?: number };
}

export interface StringDomain {
  name?: string;
  value: string[];
  isCategorical?: string;
}

export interface SchemaFeature {
  name: string;
  type: SchemaFeatureType;
  presence?: { minFraction?: number; minCount?: number };
  shape?: { dim: Array<{ size: number; name?: string }> };
  valueCount?: { min?: number; max?: number };
  /** Name of a schema-level string domain. */
  domain?: string;
  intDomain?: { name?: string; min?: number; max?: number; isCategorical?: boolean };
  floatDomain?: { name?: string; min?: number; max?: number; disallowNan?: boolean; disallowInf?: boolean };
  stringDomain?: StringDomain;
  boolDomain?: { name?: string; trueValue?: string; falseValue?: string };
  distributionConstraints?: { minDomainMass?: number };
  skewComparator?: FeatureComparator;
  driftComparator?: FeatureComparator;
  lifecycleStage?: string;
  inEnvironment?: string[];
  notInEnvironment?: string[];
}

export interface Schema {
  feature: SchemaFeature[];
  stringDomain?: StringDomain[];
  defaultEnvironment?: string[];
  datasetConstraints?: {
    minExamplesCount?: number;
    maxExamplesCount?: number;
    numExamplesDriftComparator?: { minFractionThreshold?: number; maxFractionThreshold?: number };
    numExamplesVersionComparator?: { minFractionThreshold?: number; maxFractionThreshold?: number };
  };
}

/** The string domain a feature refers to (inline or by name), if any. */
export function stringDomainOf(schema: Schema, feature: SchemaFeature): StringDomain | undefined {
  if (feature.stringDomain) return feature.stringDomain;
  if (feature.domain) return schema.stringDomain?.find((d) => d.name === feature.domain);
  return undefined;
}

/** Lifecycle stages that switch a feature's checks off (TFDV). */
export function isInactive(feature: SchemaFeature): boolean {
  return ['PLANNED', 'ALPHA', 'DEBUG_ONLY', 'DEPRECATED', 'DISABLED', 'VALIDATION_DERIVED'].includes(feature.lifecycleStage ?? '');
}
