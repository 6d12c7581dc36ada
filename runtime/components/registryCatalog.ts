// The runtime's catalog: the component registry itself, as the definition layer's ComponentCatalog. The
// orchestrator, the server and the CLI hand it to definition/ (which never imports the registry). The
// registry is loaded on first use, because it pulls in every component spec, which a caller that only
// parses should not pay for.
import type { ComponentCatalog } from '../definition/componentCatalog';

type RegistryModule = typeof import('./registry');
let registryModule: RegistryModule | undefined;
function registry(): RegistryModule {
  registryModule ??= require('./registry') as RegistryModule;
  return registryModule;
}

export const registryCatalog: ComponentCatalog = {
  get: (type) => registry().getComponent(type),
  types: () => registry().componentTypes(),
};
