// A synchronous MySQL connection: the calling thread hands each request to a worker thread that holds a
// mysql2 connection (mysqlWorker.ts) and blocks on a shared Int32Array with Atomics.wait until the reply
// is posted (the technique of the `synckit` package). This keeps MetadataStore's API synchronous for both
// backends (decision and measured cost: README.md, "Sync or async").
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { MysqlConnectOptions, MysqlErrorInfo, MysqlReply, MysqlRequest, MysqlResult } from './mysqlProtocol';

/** An error the server or the driver reported, with MySQL's code and errno. */
export class MysqlError extends Error {
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;
  readonly fatal: boolean;
  constructor(info: MysqlErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.errno = info.errno;
    this.sqlState = info.sqlState;
    this.fatal = info.fatal;
  }
}

/** Where the worker's code is: beside the bundle (dist/runtime/mysqlWorker.js) or, from source, beside this file. */
function workerFile(): string {
  const candidates = [join(__dirname, 'mysqlWorker.js'), join(__dirname, '..', 'runtime', 'mysqlWorker.js'), join(__dirname, 'mysqlWorker.ts')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`The MySQL worker is missing (looked for ${candidates.join(', ')}); rebuild with npm run build.`);
  return found;
}

/**
 * The worker's first lines: load its code (from source through tsx's require hook, which a worker does
 * not inherit) and, if that fails, still answer every request with the reason, since the caller is
 * blocked on the reply and cannot see the worker's 'error' event.
 */
function bootstrap(file: string): string {
  const hook = file.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});` : '';
  return `
const { workerData } = require('node:worker_threads');
try {
  ${hook}
  require(${JSON.stringify(file)});
} catch (e) {
  workerData.port.on('message', () => {
    workerData.port.postMessage({ ok: false, error: { message: 'The MySQL connection thread could not start: ' + (e && e.message), code: 'WORKER', fatal: true } });
    Atomics.store(workerData.signal, 0, 1);
    Atomics.notify(workerData.signal, 0);
  });
}`;
}

export class SyncMysqlClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private closed = false;

  private constructor(private readonly replyTimeoutMs: number) {
    const { port1, port2 } = new MessageChannel();
    this.signal = new Int32Array(new SharedArrayBuffer(4));
    this.port = port1;
    this.worker = new Worker(bootstrap(workerFile()), { eval: true, workerData: { port: port2, signal: this.signal }, transferList: [port2] });
    // Neither the worker nor the port keeps the process alive: a process that ends without close() just
    // drops the connection, and the server rolls back whatever transaction was open.
    this.worker.unref();
    this.port.unref();
  }

  /** Connects, or throws the driver's error (MysqlError). */
  static connect(options: MysqlConnectOptions, replyTimeoutMs: number): SyncMysqlClient {
    const client = new SyncMysqlClient(replyTimeoutMs);
    try {
      client.call({ op: 'connect', options });
    } catch (err) {
      client.terminate();
      throw err;
    }
    return client;
  }

  query(sql: string, values: readonly unknown[] = []): MysqlResult {
    return this.call({ op: 'query', sql, values: values as unknown[] });
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } catch {
      // Closing a connection the server already dropped.
    }
    this.terminate();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private terminate(): void {
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  private call(req: MysqlRequest): MysqlResult {
    if (this.closed) throw new MysqlError({ message: 'The MySQL connection is closed.', code: 'CLOSED', fatal: true });
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(req);
    if (Atomics.wait(this.signal, 0, 0, this.replyTimeoutMs) === 'timed-out') {
      this.terminate();
      throw new MysqlError({ message: `No reply from the MySQL connection within ${Math.round(this.replyTimeoutMs / 1000)} s.`, code: 'TIMEOUT', fatal: true });
    }
    const received = receiveMessageOnPort(this.port);
    if (!received) {
      this.terminate();
      throw new MysqlError({ message: 'The MySQL connection thread stopped without replying.', code: 'WORKER', fatal: true });
    }
    const reply = received.message as MysqlReply;
    if (!reply.ok) {
      if (reply.error.fatal) this.terminate();
      throw new MysqlError(reply.error);
    }
    if (reply.result.rows) for (const row of reply.result.rows) restoreBuffers(row);
    return reply.result;
  }
}

/** BLOB columns cross the thread as Uint8Arrays; the store reads Buffers, as from SQLite. */
function restoreBuffers(row: Record<string, unknown>): void {
  for (const key in row) {
    const v = row[key];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[key] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
}
