// The runtime's catalog: the component registry itself. Loaded on first use, because the registry
// pulls in every component (DuckDB, TF.js, esbuild), which a caller that only parses, or that passes
// its own catalog, should not pay for.
import type { ComponentCatalog } from './componentCatalog';

type RegistryModule = typeof import('../components/registry');
let registryModule: RegistryModule | undefined;
function registry(): RegistryModule {
  registryModule ??= require('../components/registry') as RegistryModule;
  return registryModule;
}

export const registryCatalog: ComponentCatalog = {
  get: (type) => registry().getComponent(type),
  types: () => registry().componentTypes(),
};
