// A real MariaDB server for the MySQL suites: Debian's `mariadbd` (package mariadb-server, installed by
// .ci/run) on a temp data directory, 127.0.0.1 and a free port, its own socket and pid file; never the
// system service. One server per test file (start in `before`, stop in `after`), a fresh database per
// test (`newDatabase`). Where mariadbd is not installed the suites skip, saying why (`skipWithoutMariadb`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import type { StoreLocation } from '../runtime/metadata/location';

type MysqlLocation = Extract<StoreLocation, { kind: 'mysql' }>;

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin'];

function findProgram(name: string): string | undefined {
  for (const d of [...SEARCH_DIRS, ...(process.env['PATH'] ?? '').split(':')]) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

export const MARIADBD = findProgram('mariadbd');
const INSTALL_DB = findProgram('mariadb-install-db');

/** For `{ skip: … }`: false where MariaDB's server can be started, else why the MySQL suite skips. */
export function skipWithoutMariadb(): false | string {
  if (!MARIADBD || !INSTALL_DB) return 'mariadbd is not installed (Debian package mariadb-server; .ci/run installs it)';
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** InnoDB's flush at every commit (1, the server default) or once a second (2: faster suites; the server, not the client, is what a crash would lose). */
  flushLogAtCommit?: 1 | 2;
  /** More mariadbd options. */
  extraArgs?: readonly string[];
}

export class MysqlTestServer {
  private databases = 0;
  /** The application user the tests connect as (all privileges, password below). */
  readonly user = 'mlpipe';
  readonly password = 'mlpipe-test-pw';
  readonly host = '127.0.0.1';

  private constructor(
    private readonly dir: string,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(opts: StartOptions = {}): Promise<MysqlTestServer> {
    const skip = skipWithoutMariadb();
    if (skip) throw new Error(skip);
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-mariadb-'));
    const dataDir = join(dir, 'data');
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : [];
    const install = spawnSync(
      INSTALL_DB!,
      ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot],
      { encoding: 'utf8' },
    );
    if (install.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadb-install-db failed (${install.status}): ${install.stderr || install.stdout}`);
    }
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const child = spawn(
        MARIADBD!,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--socket=${join(dir, 'mysqld.sock')}`,
          `--pid-file=${join(dir, 'mysqld.pid')}`,
          `--log-error=${join(dir, 'error.log')}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_general_ci',
          '--innodb-buffer-pool-size=64M',
          '--innodb-log-file-size=16M',
          `--innodb-flush-log-at-trx-commit=${opts.flushLogAtCommit ?? 2}`,
          '--max-connections=200',
          ...(opts.extraArgs ?? []),
          ...asRoot,
        ],
        { stdio: 'ignore' },
      );
      const server = new MysqlTestServer(dir, child, port);
      if (await server.waitReady()) {
        await server.setUp();
        return server;
      }
      child.kill('SIGKILL');
      lastError = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : 'no error log';
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadbd did not start: ${lastError}`);
  }

  private async waitReady(): Promise<boolean> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) return false;
      try {
        const c = await createConnection({ host: this.host, port: this.port, user: 'root' });
        await c.end();
        return true;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return false;
  }

  private async setUp(): Promise<void> {
    await this.asRoot(async (c) => {
      await c.query(`CREATE USER '${this.user}'@'%' IDENTIFIED BY '${this.password}'`);
      await c.query(`GRANT ALL PRIVILEGES ON *.* TO '${this.user}'@'%'`);
    });
  }

  /** Runs `fn` on a connection as the server's root (no password). */
  async asRoot<T>(fn: (c: Connection) => Promise<T>, database?: string): Promise<T> {
    const c = await createConnection({ host: this.host, port: this.port, user: 'root', ...(database ? { database } : {}), multipleStatements: true });
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  /** A database name not used before on this server (not created: the store creates it, as MLMD does). */
  newDatabaseName(prefix = 'mlmd'): string {
    this.databases++;
    return `${prefix}_${process.pid}_${this.databases}`;
  }

  /** The location of a fresh database, as the application user. */
  newDatabase(prefix?: string): MysqlLocation {
    return this.location(this.newDatabaseName(prefix));
  }

  location(database: string, user = this.user, password: string | undefined = this.password): MysqlLocation {
    return { kind: 'mysql', host: this.host, port: this.port, user, database, ...(password === undefined ? {} : { password }) };
  }

  /** The `mysql://` URL of a location (no password: pass it in MYSQL_PWD). */
  url(location: MysqlLocation): string {
    return `mysql://${encodeURIComponent(location.user)}@${location.host}:${location.port}/${encodeURIComponent(location.database)}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
