// The one version of mlpipe: what `mlpipe/hello` reports and what published artifacts record as
// `mlpipe_version`. It is package.json's, so a release bumps it in one place.
import packageJson from '../package.json';

export const MLPIPE_VERSION: string = packageJson.version;
