// The messages between the store's synchronous MySQL client (mysqlClient.ts) and its worker thread
// (mysqlWorker.ts). Values cross threads by structured clone: Buffers arrive as Uint8Arrays.

export interface MysqlConnectOptions {
  host: string;
  port: number;
  user: string;
  password?: string;
  database?: string;
  connectTimeout?: number;
  ssl?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
}

export type MysqlRequest =
  | { op: 'connect'; options: MysqlConnectOptions }
  | { op: 'query'; sql: string; values: unknown[] }
  | { op: 'close' };

export interface MysqlResult {
  rows?: Array<Record<string, unknown>>;
  affectedRows?: number;
  insertId?: number;
}

export interface MysqlErrorInfo {
  message: string;
  code?: string;
  errno?: number;
  sqlState?: string;
  fatal: boolean;
}

export type MysqlReply = { ok: true; result: MysqlResult } | { ok: false; error: MysqlErrorInfo };
