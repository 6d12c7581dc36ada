// Imported first by extension.ts, so this runs before any other module of the bundle is evaluated:
// activation time is measured from here, including loading our own modules. CPU time is kept too:
// on a busy machine wall time also counts waiting for a core, which is not the extension's cost.
export const moduleLoadStart = performance.now();
export const moduleLoadCpuStart = process.cpuUsage();
