// What users write to name a metadata store: paths, file: URLs, mysql:// URLs with TLS files, and where
// a password may come from (runtime/metadata/storeUrl.ts, common/storeName.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isStoreUrl, storeUrlIsReadOnly } from '../../common/storeName';
import { describeLocation } from '../../runtime/metadata/location';
import { parseStore, parseStoreLocation, StoreUrlError, withPassword } from '../../runtime/metadata/storeUrl';

const cwd = '/work/project';
const parse = (text: string, readFile?: (p: string) => string) => parseStore(text, { cwd, ...(readFile ? { readFile } : {}) });
const refused = (text: string, message: RegExp, hint?: RegExp) =>
  assert.throws(() => parse(text), (e: unknown) => {
    assert.ok(e instanceof StoreUrlError, `a StoreUrlError for ${text}`);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    return true;
  });

describe('store names: paths', () => {
  it('a relative path is relative to the given directory, an absolute one stays', () => {
    assert.deepEqual(parse('.mlpipe/metadata.sqlite').location, { kind: 'sqlite', path: '/work/project/.mlpipe/metadata.sqlite' });
    assert.deepEqual(parse('/data/tfx/metadata.sqlite').location, { kind: 'sqlite', path: '/data/tfx/metadata.sqlite' });
    assert.equal(parse('  m.sqlite ').location.kind, 'sqlite');
  });

  it('a Windows drive path is a path, not a URL with scheme "c"', () => {
    for (const p of ['C:\\work\\metadata.sqlite', 'c:/work/metadata.sqlite', 'D:metadata.sqlite']) {
      assert.equal(isStoreUrl(p), false, p);
      assert.equal(parse(p).location.kind, 'sqlite', p);
    }
  });

  it('file: URLs are paths', () => {
    assert.deepEqual(parse('file:///data/m.sqlite').location, { kind: 'sqlite', path: '/data/m.sqlite' });
    assert.deepEqual(parse('file:rel/m.sqlite').location, { kind: 'sqlite', path: '/work/project/rel/m.sqlite' });
    assert.equal(isStoreUrl('file:///data/m.sqlite'), false);
  });

  it('an empty name is an error saying what to write', () => {
    refused('  ', /empty/, /mysql:\/\/user@host/);
  });
});

describe('store names: mysql:// URLs', () => {
  it('user, host, port (default 3306) and database', () => {
    assert.deepEqual(parse('mysql://mlpipe@db.example.com:3307/mlmd'), { location: { kind: 'mysql', host: 'db.example.com', port: 3307, user: 'mlpipe', database: 'mlmd' }, readOnly: false });
    assert.deepEqual(parse('mysql://root@127.0.0.1/metadb').location, { kind: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', database: 'metadb' });
    assert.deepEqual(parse('mariadb://a%40b@[::1]:3310/my%20db').location, { kind: 'mysql', host: '::1', port: 3310, user: 'a@b', database: 'my db' });
  });

  it('a URL is never a path: no SQLite file in a folder named mysql:', () => {
    assert.equal(isStoreUrl('mysql://u@h/db'), true);
    assert.equal(parse('mysql://u@h/db').location.kind, 'mysql');
  });

  it('describeLocation shows it back without a password', () => {
    const location = withPassword(parseStoreLocation('mysql://u@h:3306/db', { cwd }), { known: 's3cret' });
    assert.equal(describeLocation(location), 'mysql://u@h:3306/db');
    assert.ok(!describeLocation(location).includes('s3cret'));
  });

  it('a password in the URL is refused, saying where passwords go (and the message does not repeat it)', () => {
    assert.throws(
      () => parse('mysql://u:hunter2@h/db'),
      (e: unknown) => {
        assert.ok(e instanceof StoreUrlError);
        assert.match(e.message, /password/);
        assert.doesNotMatch(e.message, /hunter2/);
        assert.match(e.hint ?? '', /--db-password-file/);
        assert.match(e.hint ?? '', /MYSQL_PWD/);
        assert.match(e.hint ?? '', /VS Code/);
        return true;
      },
    );
    refused('mysql://u:@h/db', /password/);
  });

  it('what is missing or wrong is named', () => {
    refused('mysql://h/db', /no MySQL user/, /mysql:\/\/USER@h\/db/);
    refused('mysql://u@h', /no database/);
    refused('mysql://u@h/', /no database/);
    refused('mysql://u@h/a/b', /more than one path segment/);
    refused('mysql:u@h/db', /no server/);
    refused('mysql://u@h/db?sslmode=on', /unknown option sslmode/, /ssl-ca=/);
    refused('mysql://u@h/db?ssl-verify=maybe', /neither true nor false/);
    refused('mysql://u@h:99999/db', /not a URL/);
  });

  it('any other scheme is an error that names the supported ones', () => {
    refused('postgres://u@h/db', /postgres: is not a metadata store/, /mysql:\/\/user@host:3306\/database/);
    refused('sqlite:///x.db', /sqlite:/, /file:\/\/\//);
    refused('https://example.com/m.sqlite', /https:/);
  });

  it('TLS options name files, read into PEM contents (relative to the directory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    writeFileSync(join(dir, 'client.pem'), 'CERT PEM');
    writeFileSync(join(dir, 'client.key'), 'KEY PEM');
    const named = parseStore(`mysql://u@h/db?ssl-ca=ca.pem&ssl-cert=${join(dir, 'client.pem')}&ssl-key=client.key&ssl-verify=false`, { cwd: dir });
    assert.deepEqual(named.location, { kind: 'mysql', host: 'h', port: 3306, user: 'u', database: 'db', tls: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', rejectUnauthorized: false } });
    assert.deepEqual(parse('mysql://u@h/db?ssl=true').location, { kind: 'mysql', host: 'h', port: 3306, user: 'u', database: 'db', tls: {} });
    assert.equal((parse('mysql://u@h/db?ssl=false').location as { tls?: unknown }).tls, undefined);
    assert.throws(() => parseStore('mysql://u@h/db?ssl-ca=missing.pem', { cwd: dir }), (e: unknown) => e instanceof StoreUrlError && /cannot read ssl-ca file .*missing\.pem \(ENOENT\)/.test(e.message));
    refused('mysql://u@h/db?ssl-ca=', /ssl-ca needs a file/);
  });

  it('?readonly says the store must never be written', () => {
    assert.equal(parse('mysql://u@h/metadb?readonly=true').readOnly, true);
    assert.equal(parse('mysql://u@h/metadb?readonly').readOnly, true);
    assert.equal(parse('mysql://u@h/metadb?readonly=false').readOnly, false);
    assert.equal(storeUrlIsReadOnly('mysql://u@h/metadb?ssl=true&readonly=1'), true);
    assert.equal(storeUrlIsReadOnly('mysql://u@h/metadb'), false);
    assert.equal(storeUrlIsReadOnly('/tmp/readonly=true'), false);
  });
});

describe('store passwords', () => {
  const mysql = parseStoreLocation('mysql://u@h/db', { cwd });

  it('order: --db-password-file, then a known password (SecretStorage), then MYSQL_PWD', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-pw-'));
    writeFileSync(join(dir, 'pw'), 'from-file\n');
    const env = { MYSQL_PWD: 'from-env' };
    assert.equal((withPassword(mysql, { passwordFile: 'pw', cwd: dir, known: 'known', env }) as { password?: string }).password, 'from-file');
    assert.equal((withPassword(mysql, { known: 'known', env }) as { password?: string }).password, 'known');
    assert.equal((withPassword(mysql, { env }) as { password?: string }).password, 'from-env');
    assert.equal((withPassword(mysql, { env: {} }) as { password?: string }).password, undefined);
    assert.equal((withPassword(mysql, { env: { MYSQL_PWD: '' } }) as { password?: string }).password, undefined);
  });

  it('a password file keeps everything but one trailing newline; empty or missing files are errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-pw-'));
    writeFileSync(join(dir, 'pw'), ' spaced pw \r\n');
    assert.equal((withPassword(mysql, { passwordFile: join(dir, 'pw') }) as { password?: string }).password, ' spaced pw ');
    writeFileSync(join(dir, 'empty'), '\n');
    assert.throws(() => withPassword(mysql, { passwordFile: join(dir, 'empty') }), /password file .* is empty/);
    assert.throws(() => withPassword(mysql, { passwordFile: join(dir, 'nope') }), /cannot read the password file .*nope \(ENOENT\)/);
  });

  it('--db-password-file with a SQLite file is a mistake worth saying; MYSQL_PWD is ignored there', () => {
    const sqlite = parseStoreLocation('m.sqlite', { cwd });
    assert.throws(() => withPassword(sqlite, { passwordFile: 'pw' }), /--db-password-file is for a MySQL store/);
    assert.deepEqual(withPassword(sqlite, { env: { MYSQL_PWD: 'x' } }), sqlite);
  });
});
