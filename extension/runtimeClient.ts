// Starts the runtime (`<node> dist/runtime/cli.js serve --stdio`) on first need and talks to it over
// JSON-RPC with the typed protocol of runtime/server/protocol.ts. The extension host itself never
// loads a native module: SQLite and DuckDB live only in that process.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { RunEvent } from '../runtime/server/protocol';
import { chooseNode, RuntimeStartError } from './nodeChoice';
import { passwordKey, storeUrlsIn } from './storePasswords';
import { choosePython } from './pythonChoice';
import { PYTHON_ENV } from '../common/pythonInterpreter';
import {
  DB_CHANGED_NOTIFICATION,
  PROTOCOL_VERSION,
  RUN_EVENT_NOTIFICATION,
  type DbChanged,
  type RequestParams,
  type RequestResult,
  type RuntimeMethod,
} from '../runtime/server/protocol';

/** Where the client finds a store URL's password, and what it does when the server refuses one. */
export interface StoreCredentials {
  passwordFor(url: string): Promise<string | undefined>;
  refused(url: string): Promise<void>;
}

/** The runtime's answer when a server store refuses the login (runtime MetadataStoreError code). */
const ACCESS_DENIED_CODES = ['access-denied', 'auth'];

export class RuntimeClient implements vscode.Disposable {
  /** Store URLs whose password this runtime process has been given (or that have none to give). */
  private readonly passwordsSent = new Set<string>();
  /** Set at activation: SecretStorage (extension/storePasswords.ts). */
  credentials: StoreCredentials | undefined;
  private connection: MessageConnection | undefined;
  private process: ChildProcess | undefined;
  private starting: Promise<MessageConnection> | undefined;
  private readonly runEvents = new vscode.EventEmitter<RunEvent>();
  private readonly stopped = new vscode.EventEmitter<void>();
  /** Every event of every run. */
  readonly onRunEvent = this.runEvents.event;
  /** The runtime process ended (crash or dispose): runs in flight are gone. */
  readonly onDidStop = this.stopped.event;
  private readonly dbChanges = new vscode.EventEmitter<DbChanged>();
  /** A database this client read changed on disk, written by anyone (this runtime, the CLI, another window). */
  readonly onDidChangeDatabase = this.dbChanges.event;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly nodePathSetting: () => string | undefined,
    private readonly pythonPathSetting: () => string | undefined = () => undefined,
  ) {}

  get running(): boolean {
    return this.connection !== undefined;
  }

  async request<M extends RuntimeMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    const connection = await this.ensureStarted();
    const urls = storeUrlsIn(params);
    for (const url of urls) await this.sendPassword(connection, url);
    try {
      return await (connection.sendRequest(method, params) as Promise<RequestResult<M>>);
    } catch (e) {
      const code = (e as { data?: { code?: unknown } }).data?.code;
      if (urls.length && typeof code === 'string' && ACCESS_DENIED_CODES.includes(code)) {
        // A wrong (or missing) password: forget it, so the next request asks again.
        for (const url of urls) {
          this.passwordsSent.delete(passwordKey(url));
          await this.credentials?.refused(url);
        }
      }
      throw e;
    }
  }

  /** A store URL's password, once per runtime process, over the connection (the runtime's stdin, never argv). */
  private async sendPassword(connection: MessageConnection, url: string): Promise<void> {
    const key = passwordKey(url);
    if (this.passwordsSent.has(key) || !this.credentials) return;
    const password = await this.credentials.passwordFor(url);
    if (password !== undefined) await connection.sendRequest('mlpipe/storePassword', { url: key, password });
    // No password (dismissed, or MYSQL_PWD in the runtime's environment): the runtime tries without one.
    this.passwordsSent.add(key);
    // Views that asked while the password box was open may have been answered without it: the store's
    // readers reload, as when its contents change.
    if (password !== undefined) this.dbChanges.fire({ path: url });
  }

  private ensureStarted(): Promise<MessageConnection> {
    if (this.connection) return Promise.resolve(this.connection);
    if (!this.starting) {
      this.starting = this.start().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async start(): Promise<MessageConnection> {
    const node = await chooseNode(this.nodePathSetting());
    const cli = join(this.extensionPath, 'dist', 'runtime', 'cli.js');
    this.log.info(`starting the runtime: ${node.command} (Node ${node.version}) ${cli} serve --stdio`);
    const python = await choosePython(this.pythonPathSetting());
    this.log.info(`Python for run_fn modules: ${python.python ?? 'python3'} (${python.source})`);
    const child = spawn(node.command, [cli, 'serve', '--stdio'], {
      cwd: this.extensionPath,
      env: { ...process.env, ...node.env, ...(python.python ? { [PYTHON_ENV]: python.python } : {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    this.process = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.log.info(`[runtime] ${line}`);
    });
    // Loaded here, not at activation: vscode-jsonrpc's node entry pulls in net, crypto and more.
    const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node') as typeof import('vscode-jsonrpc/node');
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification(RUN_EVENT_NOTIFICATION, (e: RunEvent) => this.runEvents.fire(e));
    connection.onNotification(DB_CHANGED_NOTIFICATION, (e: DbChanged) => this.dbChanges.fire(e));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new RuntimeStartError(`The runtime could not be started with ${node.command}: ${err.message}`, true)));
      child.once('exit', (code, signal) => {
        if (this.process === child) {
          this.log.warn(`the runtime stopped (exit ${code ?? signal})`);
          this.connection?.dispose();
          this.connection = undefined;
          this.process = undefined;
          this.stopped.fire();
        }
        reject(new RuntimeStartError(`The runtime exited while starting (exit ${code ?? signal}); see the "ML Pipelines" output.`, false));
      });
    });
    exited.catch(() => undefined);
    connection.listen();
    const hello = await Promise.race([connection.sendRequest('mlpipe/hello', {}) as Promise<RequestResult<'mlpipe/hello'>>, exited]);
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      child.kill();
      throw new RuntimeStartError(`The runtime speaks protocol ${hello.protocolVersion}, the extension ${PROTOCOL_VERSION}: rebuild the extension.`, false);
    }
    this.log.info(`runtime ${hello.runtimeVersion} ready (pid ${hello.pid}, Node ${hello.nodeVersion})`);
    this.passwordsSent.clear();
    this.connection = connection;
    return connection;
  }

  /** Stops the runtime; the next request starts a new one (after a settings change, say). */
  restart(): void {
    const child = this.process;
    this.connection?.dispose();
    this.connection = undefined;
    this.process = undefined;
    if (child && child.exitCode === null) child.kill();
  }

  dispose(): void {
    this.restart();
    this.runEvents.dispose();
    this.stopped.dispose();
  }
}
