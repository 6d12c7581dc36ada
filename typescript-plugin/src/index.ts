// tsserver requires a plugin module whose export *is* the factory function (not an ES `default`), so this
// entry point is CommonJS on purpose; the plugin itself is in plugin.ts.
const { init } = require('./plugin') as typeof import('./plugin');
module.exports = init;
