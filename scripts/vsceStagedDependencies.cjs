// Preloaded into `vsce package` by scripts/package.mjs: vsce takes the staged node_modules folders (listed
// in MLPIPE_STAGED_PACKAGES) as the extension's dependencies instead of asking `npm list`, which would call
// the stage broken for the packages it leaves out on purpose (a CLI's yargs and chalk, @types/*, install-time
// helpers) and fail. Everything else is vsce's own packaging.
const { readFileSync } = require('node:fs');
const npm = require('@vscode/vsce/out/npm');

const staged = JSON.parse(readFileSync(process.env.MLPIPE_STAGED_PACKAGES, 'utf8'));
npm.getDependencies = async (cwd) => [cwd, ...staged];
