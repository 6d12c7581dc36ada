// The component registry: every component type a pipeline file may name.
import type { ComponentSpec } from './spec';
import { customComponents } from './customComponents';
import { dataComponents } from './dataComponents';
import { modelComponents } from './modelComponents';

const all: ComponentSpec[] = [...dataComponents, ...modelComponents, ...customComponents];

export const registry: ReadonlyMap<string, ComponentSpec> = new Map(all.map((spec) => [spec.type, spec]));

export function getComponent(type: string): ComponentSpec | undefined {
  return registry.get(type);
}

export function componentTypes(): string[] {
  return [...registry.keys()].sort();
}
