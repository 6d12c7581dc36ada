// `mlpipe serve --stdio`: the JSON-RPC server the VS Code extension talks to.
import { startServer } from '../server/server';

export function startServerFromCli(): void {
  startServer(process.stdin, process.stdout);
}
