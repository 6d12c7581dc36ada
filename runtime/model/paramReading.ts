// Typed reads of component params with messages that say which param is wrong and how to fix it.
import { ComponentError } from '../components/spec';

export function stringParam(params: Record<string, unknown>, name: string, fallback?: string): string {
  const v = params[name];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ComponentError(`params.${name} is required`, `Add \`${name}: <value>\` under params.`);
  }
  if (typeof v !== 'string' || v === '') throw new ComponentError(`params.${name} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === null ? undefined : stringParam(params, name);
}

export function numberParam(params: Record<string, unknown>, name: string, fallback: number, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
    throw new ComponentError(`params.${name} must be ${opts.integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
  }
  if (opts.min !== undefined && v < opts.min) throw new ComponentError(`params.${name} must be at least ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new ComponentError(`params.${name} must be at most ${opts.max}, got ${v}`);
  return v;
}

export function enumParam<T extends string>(params: Record<string, unknown>, name: string, values: readonly T[], fallback: T): T {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new ComponentError(`params.${name} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function stringListParam(params: Record<string, unknown>, name: string, fallback: string[]): string[] {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ComponentError(`params.${name} must be a list of strings, got ${JSON.stringify(v)}`);
  return v as string[];
}

export function integerListParam(params: Record<string, unknown>, name: string, fallback: number[]): number[] {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)) {
    throw new ComponentError(`params.${name} must be a list of positive integers (e.g. [16, 8]), got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

export function objectParam(params: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = params[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ComponentError(`params.${name} must be a map, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}
