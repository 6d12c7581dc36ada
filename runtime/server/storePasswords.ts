// The stores the server is asked about, by the name the extension sends (DbRef.path: a SQLite path, or a
// mysql:// URL from the mlpipe.metadataPath setting), resolved to a StoreLocation with its password.
// Passwords arrive over the JSON-RPC connection (`mlpipe/storePassword`, i.e. on this process's stdin:
// never argv, which `ps` shows, and never a file), from VS Code's SecretStorage; else MYSQL_PWD from the
// environment the runtime was started with. They live only in this process's memory.
import { parseStore, storeKey, withPassword, type NamedStore } from '../metadata/storeUrl';
import { isStoreUrl } from '../../common/storeName';

export class StorePasswords {
  private readonly passwords = new Map<string, string>();

  /** Remembers (or, with undefined, forgets) the password of the store this URL names. */
  set(url: string, password: string | undefined): void {
    const key = storeKey(parseStore(url, { cwd: '/' }).location);
    if (password === undefined || password === '') this.passwords.delete(key);
    else this.passwords.set(key, password);
  }

  /**
   * The store a request names. TLS files in a URL must be absolute paths here (the server has no
   * folder of the user's to resolve them against); a SQLite path is absolute already (DbRef).
   */
  resolve(name: string): NamedStore {
    const named = parseStore(name, { cwd: isStoreUrl(name) ? '/' : process.cwd() });
    if (named.location.kind !== 'mysql') return named;
    const known = this.passwords.get(storeKey(named.location));
    return { ...named, location: withPassword(named.location, known !== undefined ? { known } : {}) };
  }
}
