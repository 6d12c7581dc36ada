// Where a metadata store lives (issue 14): a SQLite file, or a MySQL/MariaDB database named by a URL
// (`mysql://user@host:3306/mlmd`). This file is the contract between the store's backends
// (connection.ts and the MySQL connection beside it), which open a location, and the places users name
// one (the CLI's --db, MLPIPE_METADATA_URL, the mlpipe.metadataPath setting), which parse it. The
// password is never part of a URL users write down: it is resolved (SecretStorage, MYSQL_PWD,
// --db-password-file) and put into the location only in memory.

export interface MysqlTls {
  /** PEM contents (not paths) of the CA, client certificate and key. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Default true: verify the server's certificate. */
  rejectUnauthorized?: boolean;
}

export type StoreLocation =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'mysql';
      host: string;
      port: number;
      user: string;
      database: string;
      password?: string;
      tls?: MysqlTls;
    };

/** The location as messages show it: a path, or the URL without any password. */
export function describeLocation(location: StoreLocation): string {
  if (location.kind === 'sqlite') return location.path;
  return `mysql://${encodeURIComponent(location.user)}@${location.host}:${location.port}/${encodeURIComponent(location.database)}`;
}
