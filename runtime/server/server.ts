// The runtime's JSON-RPC server (`mlpipe serve --stdio`): the extension's only way into the runtime.
// It validates pipeline files, starts and cancels runs (several at once) and forwards their events,
// and answers metadata queries. Methods and payloads: ./protocol.ts.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import {
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { UserError } from '../errors';
import { MLPIPE_VERSION } from '../version';
import { isInside, logPath } from '../workspace';
import { registryCatalog } from '../components/registryCatalog';
import type { RunEvent } from '../orchestrator/events';
import { readSplitStatistics } from '../data/statisticsFiles';
import { DbWatcher } from './dbWatcher';
import { StorePasswords } from './storePasswords';
import { isStoreUrl } from '../../common/storeName';

import type { GridDatabase } from '../data/gridQuery';
import {
  DB_CHANGED_NOTIFICATION,
  PROTOCOL_VERSION,
  RUN_EVENT_NOTIFICATION,
  RuntimeErrorCode,
  type DbRef,
  type LogResult,
  type RequestParams,
  type RequestResult,
  type RunParams,
  type RunStarted,
  type RuntimeMethod,
  type UserErrorData,
} from './protocol';
import {
  approvalModule,
  editorExportModule,
  completionModule,
  featureChecksModule,
  gridModule,
  definitionModule,
  registryModule,
  metadataModule,
  stepStatusModule,
  runRecordModule,
  runModule,
  runComparisonModule,
  schemaModule,
  type MetadataStore,
} from './runtimeModules';

const DEFAULT_LOG_BYTES = 1024 * 1024;

/** A refusal or a user mistake found by the server itself, answered with its JSON-RPC code. */
class UserFacingError extends UserError {
  constructor(
    message: string,
    readonly rpcCode: RuntimeErrorCode = RuntimeErrorCode.UserError,
  ) {
    super(message);
  }
}

/** The one place the server turns a thrown error into an answer: a UserError keeps its code, hint and position. */
function responseFor(method: string, e: unknown): ResponseError<UserErrorData | undefined> {
  if (e instanceof ResponseError) return e as ResponseError<UserErrorData | undefined>;
  if (e instanceof UserError) {
    const rpcCode = e instanceof UserFacingError ? e.rpcCode : e.code === 'not-found' ? RuntimeErrorCode.NotFound : RuntimeErrorCode.UserError;
    const data: UserErrorData = { ...(e.hint !== undefined ? { hint: e.hint } : {}), ...(e.code !== undefined ? { code: e.code } : {}), ...(e.where ? { where: e.where } : {}) };
    return new ResponseError(rpcCode, e.message, data);
  }
  // An internal error: the stack goes to the runtime's log (stderr), the message to the user.
  process.stderr.write(`${method} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return new ResponseError(RuntimeErrorCode.Internal, `internal error: ${e instanceof Error ? e.message : String(e)} (the ML Pipelines output has the details)`, undefined);
}

type Handler<M extends RuntimeMethod> = (params: RequestParams<M>) => RequestResult<M> | Promise<RequestResult<M>>;

/**
 * Read connections per database file. The server only ever reads through these; runs and approvals
 * write through the orchestrator, which opens its own connection, so browsing a workspace (also a
 * restricted one) never creates or changes a database.
 */
class StoreCache {
  private readonly stores = new Map<string, MetadataStore>();

  constructor(private readonly passwords: StorePasswords) {}

  /** undefined when the database does not exist yet (nothing has run in that folder). */
  get(db: DbRef): MetadataStore | undefined {
    const existing = this.stores.get(db.path);
    if (existing) return existing;
    if (isStoreUrl(db.path)) {
      // A server: nothing to look for on disk; it is opened read-only like every store here.
      const store = metadataModule().MetadataStore.open(this.passwords.resolve(db.path).location, { readonly: true });
      this.stores.set(db.path, store);
      return store;
    }
    if (!existsSync(db.path)) {
      if (db.readonly) throw new UserFacingError(`The metadata database ${db.path} does not exist.`, RuntimeErrorCode.NotFound);
      return undefined;
    }
    // A file that is not an ML Metadata database is a MetadataStoreError (a UserError) naming the file.
    const store = metadataModule().MetadataStore.open(db.path, { readonly: true });
    this.stores.set(db.path, store);
    return store;
  }

  /** Closes the connections to stores with this name (a new password must open a new one). */
  drop(name: string): void {
    for (const [path, store] of this.stores) {
      if (path !== name && !(isStoreUrl(path) && path.split('?')[0] === name.split('?')[0])) continue;
      this.stores.delete(path);
      try {
        store.close();
      } catch {
        // best effort
      }
    }
  }

  closeAll(): void {
    for (const store of this.stores.values()) {
      try {
        store.close();
      } catch {
        // Closing is best effort on shutdown.
      }
    }
    this.stores.clear();
  }
}

function readTail(path: string, maxBytes: number): LogResult {
  if (!existsSync(path)) return { path, exists: false, text: '', truncated: false };
  const size = statSync(path).size;
  const start = Math.max(0, size - maxBytes);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return { path, exists: true, text: buffer.toString('utf8'), truncated: start > 0 };
}

/**
 * When the server talks over the process's own stdout, anything else printed there (a library's
 * console.log, TF.js's greeting) would corrupt the JSON-RPC stream: send it to stderr instead and
 * keep a private writer for the protocol.
 */
function protectStdout(output: NodeJS.WritableStream): NodeJS.WritableStream {
  if (output !== process.stdout) return output;
  const realWrite = process.stdout.write.bind(process.stdout) as (chunk: Uint8Array | string, cb?: (err?: Error | null) => void) => boolean;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      realWrite(chunk, (err) => callback(err ?? null));
    },
  });
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return sink;
}

export interface ServerHandle {
  connection: MessageConnection;
  /** Aborts running runs and closes databases. */
  dispose(): void;
}

export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
  createServer(input, output);
}

/** startServer, returning a handle (tests use it to stop the server). */
export function createServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): ServerHandle {
  const connection = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(protectStdout(output)));
  const passwords = new StorePasswords();
  const stores = new StoreCache(passwords);
  // Every database a request reads is watched, so the views follow runs made elsewhere (DbWatcher's header).
  const watcher = new DbWatcher((path) => void connection.sendNotification(DB_CHANGED_NOTIFICATION, { path }).catch(() => undefined));
  const read = (db: DbRef): MetadataStore | undefined => {
    // A server store has no file to watch: the watcher polls its change signature instead.
    if (isStoreUrl(db.path)) watcher.add(db.path, () => stores.get(db)?.changeSignature());
    else watcher.add(db.path);
    return stores.get(db);
  };
  // The data grid's DuckDB, started by the first grid request (runtime/data/gridQuery.ts).
  let grids: GridDatabase | undefined;
  const grid = (): GridDatabase => (grids ??= new (gridModule().GridDatabase)());
  /** Runs in flight by run id. */
  const runs = new Map<string, AbortController>();

  function on<M extends RuntimeMethod>(method: M, handler: Handler<M>): void {
    connection.onRequest(method, async (params: RequestParams<M>) => {
      try {
        return await handler(params);
      } catch (e) {
        throw responseFor(method, e);
      }
    });
  }

  function send(event: RunEvent): void {
    void connection.sendNotification(RUN_EVENT_NOTIFICATION, event).catch(() => undefined);
  }

  function startRun(p: RunParams): Promise<RunStarted> {
    if (!p.trusted) {
      throw new UserFacingError('Running pipelines is disabled in Restricted Mode: trust this workspace to run it.', RuntimeErrorCode.Untrusted);
    }
    const { runPipeline } = runModule();
    const named = isStoreUrl(p.dbPath) ? passwords.resolve(p.dbPath) : undefined;
    if (named?.readOnly) throw new UserFacingError(`${p.dbPath} is marked read-only (?readonly=true): runs are not recorded there. Point mlpipe.metadataPath at a store of your own.`);
    const controller = new AbortController();
    return new Promise<RunStarted>((resolve, reject) => {
      let runId: string | undefined;
      const started = runPipeline({
        file: p.file,
        root: p.root,
        dbPath: named ? named.location : p.dbPath,
        scope: p.scope,
        noCache: p.noCache,
        parallelism: p.parallelism,
        signal: controller.signal,
        onApprovalWait: 'wait',
        trusted: true,
        onEvent: (event) => {
          if (event.kind === 'run-started' && runId === undefined) {
            runId = event.runId;
            runs.set(runId, controller);
            resolve({ runId });
          }
          send(event);
        },
      });
      started.then(
        (result) => {
          if (runId === undefined) {
            // Finished without announcing itself (e.g. nothing in scope): still give the client an id.
            runId = result.runId;
            resolve({ runId });
          }
          runs.delete(runId);
        },
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          if (runId === undefined) {
            // Refused before it started (an invalid pipeline, an unknown step): the request wrapper answers.
            reject(e);
            return;
          }
          runs.delete(runId);
          process.stderr.write(`run ${runId} failed: ${e instanceof Error ? (e.stack ?? message) : message}\n`);
          // The run announced itself, so the client waits for its end: tell it.
          send({ kind: 'run-finished', runId, state: 'failed', durationMs: 0, steps: {}, time: Date.now() });
        },
      );
    });
  }

  const emptyPage = { items: [], total: 0 };
  const requireStore = (db: DbRef): MetadataStore => {
    const store = read(db);
    if (!store) throw new UserFacingError(`${db.path} does not exist yet: run a pipeline first.`, RuntimeErrorCode.NotFound);
    return store;
  };

  // Both exports, as VS Code asks for them: the YAML, warnings, and the check of the document.
  const exportFor = async (target: 'argo' | 'kfp', p: { file: string; root: string; image: string; claim?: string; trusted: boolean }) => {
    const image = p.image.trim();
    if (!image) throw new UserFacingError(`${target === 'kfp' ? 'a PipelineSpec' : 'an Argo Workflow'} needs a container image with Node 20+ and the mlpipe runtime`);
    const loaded = await definitionModule().loadPipelineFile(p.file, { trusted: p.trusted, catalog: registryCatalog });
    const firstError = loaded.diagnostics.find((d) => d.severity === 'error');
    if (firstError || !loaded.pipeline) throw new UserFacingError(`${p.file} has errors; fix them first (${firstError?.message ?? 'it could not be read'})`);
    if (!isInside(p.root, p.file)) throw new UserFacingError(`${p.file} is not inside the workspace folder ${p.root}`);
    const { yaml, warnings, check, summary } = editorExportModule().exportForEditor(target, loaded.pipeline, { root: p.root, image, ...(p.claim ? { claim: p.claim } : {}) });
    return { yaml, warnings, summary, problems: check.problems };
  };

  // Every method of RuntimeRequests, or this does not compile: a method added to the protocol without a
  // handler is a type error here, not a "method not found" at run time.
  const handlers: { [M in RuntimeMethod]: Handler<M> } = {
    'mlpipe/hello': () => ({ protocolVersion: PROTOCOL_VERSION, runtimeVersion: MLPIPE_VERSION, nodeVersion: process.versions.node, pid: process.pid }),
    'mlpipe/validate': async ({ file, text, trusted, db }) => {
      const definition = definitionModule();
      const result = text !== undefined && !file.endsWith('.ts') ? definition.loadPipelineText(file, text, { catalog: registryCatalog }) : await definition.loadPipelineFile(file, { trusted, catalog: registryCatalog });
      if (!db || !result.pipeline) return result;
      let store: MetadataStore | undefined;
      try {
        store = stores.get(db);
      } catch {
        return result; // not a database: the file's own problems are still worth showing
      }
      if (!store) return result;
      const warnings = await featureChecksModule().featureCheckDiagnostics(result.pipeline, store, { text, catalog: registryCatalog });
      return warnings.length ? { ...result, diagnostics: [...result.diagnostics, ...warnings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column) } : result;
    },
    'mlpipe/run': (p) => startRun(p),
    'mlpipe/cancel': ({ runId }) => {
      const controller = runs.get(runId);
      controller?.abort();
      return { canceled: controller !== undefined };
    },
    'mlpipe/activeRuns': () => ({ runIds: [...runs.keys()] }),
    'mlpipe/listPipelines': ({ db }) => read(db)?.listPipelines() ?? [],
    'mlpipe/listRuns': ({ db, pipeline, limit, offset }) => {
      const page = read(db)?.listRuns({ pipeline, limit, offset });
      if (!page) return emptyPage;
      const { readRunRecord } = runRecordModule();
      return { ...page, items: page.items.map((r) => ({ ...r, record: readRunRecord(r.customProperties) })) };
    },
    'mlpipe/runExecutions': ({ db, runContextId }) => stores.get(db)?.runExecutions(runContextId) ?? [],
    'mlpipe/execution': ({ db, id }) => stores.get(db)?.execution(id) ?? null,
    'mlpipe/artifact': ({ db, id }) => stores.get(db)?.artifact(id) ?? null,
    'mlpipe/featureStatistics': ({ uri, split }) => readSplitStatistics(uri, split),
    'mlpipe/lineage': ({ db, artifactId, direction, maxDepth }) => {
      const store = stores.get(db);
      if (!store) throw new UserFacingError(`Artifact ${artifactId} was not found: ${db.path} does not exist yet.`, RuntimeErrorCode.NotFound);
      return store.lineage(artifactId, { direction, maxDepth });
    },
    'mlpipe/nodeStates': ({ db, pipeline }) => stores.get(db)?.nodeStates(pipeline) ?? {},
    'mlpipe/stepStatus': async ({ db, file, root, trusted }) => {
      const store = read(db);
      const loaded = await definitionModule().loadPipelineFile(file, { trusted, catalog: registryCatalog });
      const pipeline = loaded.pipeline;
      if (!pipeline) return { pipeline: null, steps: {} };
      if (!store) return { pipeline: pipeline.name, steps: {} };
      return { pipeline: pipeline.name, steps: await stepStatusModule().stepStatuses(store, pipeline, root) };
    },
    'mlpipe/latestNodeOutputs': ({ db, pipeline, nodeId }) => stores.get(db)?.latestNodeOutputs(pipeline, nodeId) ?? null,
    'mlpipe/artifactsOfType': ({ db, type, limit }) => read(db)?.artifactsOfType(type, limit) ?? [],
    'mlpipe/waitingApprovals': ({ db }) => {
      const store = read(db);
      return store ? approvalModule().waitingApprovals(store) : [];
    },
    'mlpipe/approve': ({ db, decision }) => {
      const named = isStoreUrl(db.path) ? passwords.resolve(db.path) : undefined;
      if (db.readonly || named?.readOnly) throw new UserFacingError(`${db.path} was opened read-only: approvals are recorded only in a workspace's own database.`);
      if (!decision.by.trim()) throw new UserFacingError('An approval needs the name of who decided.');
      approvalModule().recordApproval(named?.location ?? db.path, decision);
      return { ok: true as const };
    },
    'mlpipe/readLog': ({ root, executionId, maxBytes }) => {
      if (!Number.isInteger(executionId) || executionId < 0) throw new UserFacingError(`${executionId} is not an execution id.`);
      return readTail(logPath(root, executionId), maxBytes ?? DEFAULT_LOG_BYTES);
    },
    'mlpipe/hover': ({ type, param }) => ({ markdown: schemaModule().componentHover(type, param, registryCatalog) ?? null }),
    'mlpipe/complete': ({ db, ...req }) => {
      let store: MetadataStore | undefined;
      try {
        store = db ? stores.get(db) : undefined;
      } catch {
        store = undefined; // no database (or not one): completion without feature names
      }
      return completionModule().completeWithStore(req, store, registryCatalog);
    },
    'mlpipe/pipelineSchema': () => schemaModule().pipelineJsonSchema(registryCatalog),
    'mlpipe/exportArgo': (p) => exportFor('argo', p),
    'mlpipe/exportKfp': (p) => exportFor('kfp', p),
    'mlpipe/runDiff': ({ db, left, right }) => runComparisonModule().runDiffRequest(requireStore(db), left, right),
    'mlpipe/runTimeline': ({ db, runContextId }) => runComparisonModule().runTimelineRequest(requireStore(db), runContextId),
    'mlpipe/metricHistory': ({ db, pipeline, limit }) => runComparisonModule().metricHistory(requireStore(db), pipeline, limit),

    'mlpipe/storePassword': ({ url, password }) => {
      passwords.set(url, password ?? undefined);
      stores.drop(url);
      return { ok: true as const };
    },

    'mlpipe/gridPage': (p) => grid().page(p),
    'mlpipe/gridColumnStats': (p) => grid().columnStats(p),
  };
  for (const method of Object.keys(handlers) as RuntimeMethod[]) on(method, handlers[method] as Handler<typeof method>);

  const dispose = (): void => {
    for (const controller of runs.values()) controller.abort();
    runs.clear();
    watcher.dispose();
    stores.closeAll();
    grids?.close();
    grids = undefined;
  };
  connection.onClose(dispose);
  connection.listen();
  return {
    connection,
    dispose: () => {
      dispose();
      connection.dispose();
    },
  };
}
