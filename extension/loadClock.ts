// Imported first by extension.ts, so this runs before any other module of the bundle is evaluated:
// activation time is measured from here, including loading our own modules.
export const moduleLoadStart = performance.now();
