// What users write to name a metadata store (the CLI's --db, MLPIPE_METADATA_URL, the mlpipe.metadataPath
// setting), turned into a StoreLocation (location.ts). Two forms:
//  - a path to a SQLite file, relative to the directory the user wrote it in (a Windows drive path,
//    `C:\work\metadata.sqlite`, is a path too), or a `file:` URL;
//  - `mysql://user@host:3306/database` (also `mariadb://`), with TLS options as query parameters that
//    name PEM files (`?ssl-ca=ca.pem&ssl-cert=client.pem&ssl-key=client.key&ssl-verify=false`, or just
//    `?ssl=true` for TLS with the system's CAs) and `?readonly=true` for a store that must never be
//    written (a Kubeflow Pipelines cluster's MLMD database).
// Anything else with a scheme is an error naming the supported forms: a URL is never taken for a path
// (before this, `--db mysql://…` created a SQLite file in a folder named `mysql:`).
//
// The password is never part of the URL (it would sit in shell history, settings.json and `ps`): a URL
// with one is refused, saying where passwords go. It comes, in this order, from --db-password-file,
// MYSQL_PWD (the variable MySQL's own clients read), or VS Code's SecretStorage (the extension asks once
// per URL and hands it to the runtime over its stdin): see withPassword.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors';
import { storeScheme } from '../../common/storeName';
import { describeLocation, type MysqlTls, type StoreLocation } from './location';

export { isStoreUrl } from '../../common/storeName';

/** Names the store when --db is not given (CI jobs, containers, exported workflows' tasks). */
export const METADATA_URL_ENV = 'MLPIPE_METADATA_URL';
/** The password of a MySQL store, as MySQL's own clients read it. */
export const MYSQL_PASSWORD_ENV = 'MYSQL_PWD';
export const MYSQL_DEFAULT_PORT = 3306;

const SUPPORTED = 'a SQLite file path, file:///path/to/metadata.sqlite, or mysql://user@host:3306/database';
const WHERE_PASSWORDS_GO = 'give it with --db-password-file <file>, the MYSQL_PWD environment variable, or in VS Code when asked (it is kept in VS Code\'s secret storage)';

/** A store named wrongly: what was written, what is wrong, what to write instead. */
export class StoreUrlError extends UsageError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'store-url', ...(hint !== undefined ? { hint } : {}) });
  }
}

/** A store as a user named it: where it is, and whether they said it must never be written. */
export interface NamedStore {
  location: StoreLocation;
  /** `?readonly=true` in the URL: nothing may be recorded there (runs and approvals are refused). */
  readOnly: boolean;
}

export interface ParseOptions {
  /** What relative paths (the SQLite file, TLS files) are relative to. */
  cwd: string;
  /** Reads the TLS PEM files (tests pass their own). */
  readFile?: (path: string) => string;
}

/** Parses what the user wrote (see the top of this file). Throws StoreUrlError, naming what to write. */
export function parseStore(text: string, o: ParseOptions): NamedStore {
  const written = text.trim();
  if (written === '') throw new StoreUrlError('the metadata store is empty', `write ${SUPPORTED}`);
  const scheme = storeScheme(written);
  if (scheme === undefined) return { location: { kind: 'sqlite', path: resolve(o.cwd, written) }, readOnly: false };
  if (scheme === 'file') return { location: { kind: 'sqlite', path: fileUrlPath(written, o.cwd) }, readOnly: false };
  if (scheme === 'mysql' || scheme === 'mariadb') return parseMysql(written, o);
  throw new StoreUrlError(`${scheme}: is not a metadata store mlpipe can open (${redact(written)})`, `write ${SUPPORTED}`);
}

/** Only the location (for callers that have no use for the read-only flag). */
export function parseStoreLocation(text: string, o: ParseOptions): StoreLocation {
  return parseStore(text, o).location;
}

function fileUrlPath(written: string, cwd: string): string {
  // file:relative/path is the path relative to cwd; file:///abs (or file://localhost/abs) is absolute.
  if (!written.slice(5).startsWith('//')) {
    const rest = decodeURIComponent(written.slice(5));
    return isAbsolute(rest) ? rest : resolve(cwd, rest);
  }
  try {
    return fileURLToPath(written);
  } catch (e) {
    throw new StoreUrlError(`${written} is not a usable file: URL (${(e as Error).message})`, 'write file:///absolute/path/metadata.sqlite, or just the path');
  }
}

/** The URL with any password replaced, for messages (a refused URL is still shown without its secret). */
function redact(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

const TLS_FILES = { 'ssl-ca': 'ca', 'ssl-cert': 'cert', 'ssl-key': 'key' } as const;
const QUERY_KEYS = ['ssl', ...Object.keys(TLS_FILES), 'ssl-verify', 'readonly'];

function parseMysql(written: string, o: ParseOptions): NamedStore {
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new StoreUrlError(`${redact(written)} is not a URL mlpipe can read`, 'write mysql://user@host:3306/database');
  }
  const shown = redact(written);
  if (url.password !== '' || /^[^/]*\/\/[^/@]*:[^/@]*@/.test(written)) {
    throw new StoreUrlError(`${shown} has a password in it: a password in a URL ends up in shell history, settings and process lists`, `remove it from the URL and ${WHERE_PASSWORDS_GO}`);
  }
  if (!written.includes('//')) throw new StoreUrlError(`${shown} names no server`, 'write mysql://user@host:3306/database');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new StoreUrlError(`${shown} names no server`, 'write mysql://user@host:3306/database (127.0.0.1 after `kubectl port-forward`)');
  const user = decodeURIComponent(url.username);
  if (user === '') throw new StoreUrlError(`${shown} names no MySQL user`, `write mysql://USER@${url.host}${url.pathname}`);
  const port = url.port === '' ? MYSQL_DEFAULT_PORT : Number(url.port);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length !== 1) {
    throw new StoreUrlError(`${shown} ${segments.length === 0 ? 'names no database' : 'has more than one path segment'}`, `write mysql://${url.username}@${url.host}/DATABASE (a MySQL database name, e.g. mlmd, or metadb on a Kubeflow cluster)`);
  }
  const database = decodeURIComponent(segments[0]!);
  if (url.hash) throw new StoreUrlError(`${shown} has a #fragment, which means nothing for a database`, 'remove it');

  let tls: MysqlTls | undefined;
  let readOnly = false;
  const read = o.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  for (const [key, value] of url.searchParams) {
    if (!QUERY_KEYS.includes(key)) throw new StoreUrlError(`${shown}: unknown option ${key}`, `the options are ${QUERY_KEYS.map((k) => `${k}=`).join(', ')}`);
    if (key in TLS_FILES) {
      if (value === '') throw new StoreUrlError(`${shown}: ${key} needs a file`, `write ${key}=/path/to/file.pem`);
      const file = resolve(o.cwd, value);
      let pem: string;
      try {
        pem = read(file);
      } catch (e) {
        throw new StoreUrlError(`${shown}: cannot read ${key} file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, `check the path; relative paths are relative to ${o.cwd}`);
      }
      tls = { ...tls, [TLS_FILES[key as keyof typeof TLS_FILES]]: pem };
    } else if (key === 'ssl-verify') {
      tls = { ...tls, rejectUnauthorized: flag(shown, key, value) };
    } else if (key === 'ssl') {
      if (flag(shown, key, value)) tls = { ...tls };
    } else if (key === 'readonly') {
      readOnly = flag(shown, key, value);
    }
  }
  if (url.searchParams.get('ssl') !== null && !flag(shown, 'ssl', url.searchParams.get('ssl')!) && tls) {
    throw new StoreUrlError(`${shown}: ssl=false contradicts the other ssl- options`, 'remove ssl=false to use TLS');
  }
  return { location: { kind: 'mysql', host, port, user, database, ...(tls ? { tls } : {}) }, readOnly };
}

function flag(shown: string, key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new StoreUrlError(`${shown}: ${key}=${value} is neither true nor false`, `write ${key}=true or ${key}=false`);
}

/** The URL a location is shown and keyed by (SecretStorage, the server's caches): no password, ever. */
export function storeKey(location: StoreLocation): string {
  return describeLocation(location);
}

export interface PasswordSources {
  /** `--db-password-file <file>`: its content, less one trailing newline, is the password. */
  passwordFile?: string;
  /** Where MYSQL_PWD is read (process.env by default). */
  env?: Readonly<Record<string, string | undefined>>;
  /** A password already known (VS Code's SecretStorage, handed over by the extension). */
  known?: string;
  cwd?: string;
  readFile?: (path: string) => string;
}

/**
 * The location with its password, from the first source that has one: --db-password-file, a password
 * the caller already holds (the extension's SecretStorage), MYSQL_PWD. None: the location as it is (a
 * user without a password; the server then says "access denied", and mlpipe says where passwords go).
 */
export function withPassword(location: StoreLocation, s: PasswordSources = {}): StoreLocation {
  if (location.kind !== 'mysql') {
    if (s.passwordFile !== undefined) throw new StoreUrlError(`--db-password-file is for a MySQL store, and ${location.path} is a SQLite file`, 'remove --db-password-file, or give --db mysql://user@host/database');
    return location;
  }
  const password = s.passwordFile !== undefined ? readPasswordFile(resolve(s.cwd ?? process.cwd(), s.passwordFile), s.readFile) : (s.known ?? nonEmpty((s.env ?? process.env)[MYSQL_PASSWORD_ENV]));
  return password === undefined ? location : { ...location, password };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function readPasswordFile(file: string, readFile?: (path: string) => string): string {
  let text: string;
  try {
    text = (readFile ?? ((p: string) => readFileSync(p, 'utf8')))(file);
  } catch (e) {
    throw new StoreUrlError(`cannot read the password file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check --db-password-file');
  }
  // `echo secret > file` adds a newline that is not part of the password.
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new StoreUrlError(`the password file ${file} is empty`, 'write the password into it, or leave --db-password-file out for a user without one');
  return password;
}

/** The hint for a refused login: where a password can be given. */
export const PASSWORD_HINT = WHERE_PASSWORDS_GO;

export interface StoreFlags {
  /** What --db says, if given. */
  db?: string;
  /** --db-password-file, if given. */
  passwordFile?: string;
  /** Where MLPIPE_METADATA_URL and MYSQL_PWD are read (process.env by default). */
  env?: Readonly<Record<string, string | undefined>>;
  cwd: string;
  readFile?: (path: string) => string;
}

/**
 * The store the user named, with its password: --db, else MLPIPE_METADATA_URL; undefined when neither is
 * set (the caller then finds the workspace's own SQLite file). The variable may name a path too.
 */
export function namedStore(f: StoreFlags): NamedStore | undefined {
  const env = f.env ?? process.env;
  const fromEnv = nonEmpty(env[METADATA_URL_ENV]?.trim());
  const text = f.db ?? fromEnv;
  if (text === undefined) {
    if (f.passwordFile !== undefined) throw new StoreUrlError('--db-password-file needs a MySQL store to go with it', `give --db mysql://user@host:3306/database, or set ${METADATA_URL_ENV}`);
    return undefined;
  }
  let named: NamedStore;
  try {
    named = parseStore(text, { cwd: f.cwd, ...(f.readFile ? { readFile: f.readFile } : {}) });
  } catch (e) {
    // Say where the bad name came from: a variable set long ago is easy to forget.
    if (e instanceof StoreUrlError && f.db === undefined) throw new StoreUrlError(`${METADATA_URL_ENV}: ${e.message}`, e.hint);
    throw e;
  }
  return { ...named, location: withPassword(named.location, { ...(f.passwordFile !== undefined ? { passwordFile: f.passwordFile } : {}), env, cwd: f.cwd, ...(f.readFile ? { readFile: f.readFile } : {}) }) };
}
