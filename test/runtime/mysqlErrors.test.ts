// What a user sees when a MySQL store cannot be used (issue 14): each is a MetadataStoreError (a
// UserError the CLI prints without a stack) with a code and a message that says what to do. Against a
// real MariaDB: a port nobody listens on, a wrong password, a user without the CREATE privilege, a
// missing database opened read-only, and a database that is not ML Metadata's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { MetadataStore, MetadataStoreError } from '../../runtime/metadata/store';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';

function storeError(code: MetadataStoreError['code'], pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof MetadataStoreError, `a MetadataStoreError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /mlpipe-test-pw/, 'the password is never in a message');
    return true;
  };
}

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('MySQL store errors (MariaDB)', { skip: skipWithoutMariadb() }, () => {
  let server: MysqlTestServer;
  before(async () => {
    server = await MysqlTestServer.start();
  });
  after(async () => {
    await server?.stop();
  });

  test('an unreachable server says which host and port, and what to check', async () => {
    const port = await unusedPort();
    const location = { ...server.location('mlmd'), port };
    assert.throws(() => MetadataStore.open(location), storeError('unreachable', new RegExp(`Cannot reach the MySQL server at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\).*kubectl port-forward`)));
  });

  test('a wrong or missing password names the user and where the password comes from', () => {
    assert.throws(() => MetadataStore.open(server.location('mlmd', server.user, 'not-the-password')), storeError('auth', /refused user "mlpipe" \(wrong password.*MYSQL_PWD.*--db-password-file/));
    const { password: _given, ...withoutPassword } = server.location('mlmd');
    assert.throws(() => MetadataStore.open(withoutPassword), storeError('auth', /no password was given/));
  });

  test('a user without the CREATE privilege is told which grants to ask for, and nothing is half-created', async () => {
    const database = server.newDatabaseName('nocreate');
    await server.asRoot(async (c) => {
      await c.query(`CREATE DATABASE \`${database}\``);
      await c.query("CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-pw'");
      await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database}\`.* TO 'reader'@'%'`);
    });
    assert.throws(() => MetadataStore.open(server.location(database, 'reader', 'reader-pw')), storeError('privilege', /user "reader" may not create ML Metadata's tables.*GRANT CREATE, ALTER, INDEX/));
    const [tables] = await server.asRoot((c) => c.query('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]));
    assert.deepEqual(tables, []);
    // Nor may it create a database of its own.
    assert.throws(() => MetadataStore.open(server.location(server.newDatabaseName('nodb'), 'reader', 'reader-pw')), storeError('privilege', /may not create/));
    // Once someone with the privilege has created the layout, the same user records runs.
    MetadataStore.open(server.location(database)).close();
    const store = MetadataStore.open(server.location(database, 'reader', 'reader-pw'));
    try {
      store.beginRun('p', 'r');
      assert.equal(store.listRuns().total, 1);
    } finally {
      store.close();
    }
  });

  test('a missing database opened read-only is an error and is not created', async () => {
    const database = server.newDatabaseName('missing');
    assert.throws(() => MetadataStore.open(server.location(database), { readonly: true }), storeError('open', /has no database "mlmd_\d+_\d+"|has no database "missing_\d+_\d+".*nothing is created/));
    const [rows] = await server.asRoot((c) => c.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]));
    assert.deepEqual(rows, []);
  });

  test('a database holding other tables is not taken for ML Metadata and is left alone', async () => {
    const database = server.newDatabaseName('other');
    await server.asRoot(async (c) => {
      await c.query(`CREATE DATABASE \`${database}\``);
      await c.query(`CREATE TABLE \`${database}\`.orders (id INT PRIMARY KEY)`);
    });
    assert.throws(() => MetadataStore.open(server.location(database)), storeError('not-mlmd', /not an ML Metadata one \(it has no MLMDEnv table\)/));
    const [tables] = await server.asRoot((c) => c.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]));
    assert.deepEqual(tables, [{ t: 'orders' }]);
  });
});
