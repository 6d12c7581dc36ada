// The worker thread that holds the MySQL connection of one MetadataStore (see mysqlClient.ts for why the
// store stays synchronous). It runs one request at a time, as the store sends them: connect, query, close.
// Each reply is posted on the port and then signalled through the shared Int32Array the caller is
// blocked on with Atomics.wait; the caller reads the reply with receiveMessageOnPort.
import { workerData, type MessagePort } from 'node:worker_threads';
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import type { MysqlReply, MysqlRequest, MysqlResult } from './mysqlProtocol';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
let connection: Connection | undefined;

function reply(message: MysqlReply): void {
  port.postMessage(message);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function errorReply(err: unknown): MysqlReply {
  const e = err as { message?: string; code?: string; errno?: number; sqlState?: string; fatal?: boolean };
  return { ok: false, error: { message: String(e?.message ?? err), code: e?.code, errno: e?.errno, sqlState: e?.sqlState, fatal: e?.fatal === true } };
}

function shape(result: unknown): MysqlResult {
  // A multi-statement query returns one result per statement: the caller wants the last one.
  let r = result as unknown;
  if (Array.isArray(r) && r.length > 0 && (Array.isArray(r[0]) || isHeader(r[0]))) r = r[r.length - 1];
  if (Array.isArray(r)) return { rows: r.map((row) => ({ ...(row as object) })) };
  const h = r as { affectedRows?: number; insertId?: number };
  return { affectedRows: h.affectedRows ?? 0, insertId: h.insertId ?? 0 };
}

function isHeader(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'affectedRows' in x;
}

async function handle(req: MysqlRequest): Promise<MysqlReply> {
  switch (req.op) {
    case 'connect': {
      const options: ConnectionOptions = {
        ...req.options,
        multipleStatements: true,
        // SUM() and friends return DECIMAL; the store's rows hold numbers, as SQLite's do.
        decimalNumbers: true,
        supportBigNumbers: false,
        dateStrings: true,
      };
      connection = await createConnection(options);
      // A dropped connection is reported on the next query; this keeps it from being an uncaught error.
      connection.on('error', () => undefined);
      return { ok: true, result: {} };
    }
    case 'query': {
      if (!connection) throw new Error('not connected');
      const [result] = await connection.query({ sql: req.sql, values: req.values });
      return { ok: true, result: shape(result) };
    }
    case 'close': {
      const c = connection;
      connection = undefined;
      if (c) await c.end().catch(() => c.destroy());
      return { ok: true, result: {} };
    }
  }
}

port.on('message', (req: MysqlRequest) => {
  handle(req).then(reply, (err) => reply(errorReply(err)));
});
