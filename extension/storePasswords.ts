// The passwords of metadata stores on a server (mlpipe.metadataPath = mysql://user@host:3306/db). They
// live in VS Code's SecretStorage (the OS keychain), never in settings.json: asked for once per URL with
// a password input box, then handed to the runtime over its JSON-RPC connection (its stdin), never on a
// command line. "ML Pipelines: Forget Metadata Store Password" removes one. Which URLs have a stored
// password is kept in globalState (the URLs only), since SecretStorage cannot list its keys.
import * as vscode from 'vscode';
import { isStoreUrl } from '../common/storeName';

const SECRET_PREFIX = 'mlpipe.storePassword:';
const KNOWN_URLS = 'mlpipe.storePasswordUrls';

/** A URL as the key of its password: without the query (TLS files, readonly), which does not change who logs in. */
export function passwordKey(url: string): string {
  return url.trim().split(/[?#]/)[0]!;
}

/** The store URLs a request's params name (a DbRef's path, a run's dbPath). */
export function storeUrlsIn(params: unknown): string[] {
  if (typeof params !== 'object' || params === null) return [];
  const p = params as { db?: { path?: unknown }; dbPath?: unknown };
  return [p.db?.path, p.dbPath].filter((v): v is string => typeof v === 'string' && isStoreUrl(v));
}

export class StorePasswords {
  /** URLs asked about in this session whose box was dismissed: not asked again until a retry or restart. */
  private readonly declined = new Set<string>();
  private readonly asking = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  /** The stored password, else (once per URL per session) the one the user types, stored for next time. */
  async passwordFor(url: string): Promise<string | undefined> {
    const key = passwordKey(url);
    const stored = await this.secrets.get(SECRET_PREFIX + key);
    if (stored !== undefined) return stored;
    if (this.declined.has(key)) return undefined;
    let pending = this.asking.get(key);
    if (!pending) {
      pending = this.ask(key).finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    return pending;
  }

  private async ask(key: string): Promise<string | undefined> {
    const password = await vscode.window.showInputBox({
      title: 'ML Pipelines: metadata store password',
      prompt: `Password of ${key} (kept in VS Code's secret storage, not in settings)`,
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined || password === '') {
      this.declined.add(key);
      return undefined;
    }
    await this.secrets.store(SECRET_PREFIX + key, password);
    const known = new Set(this.known());
    known.add(key);
    await this.state.update(KNOWN_URLS, [...known]);
    return password;
  }

  /** The URLs with a stored password. */
  known(): string[] {
    return this.state.get<string[]>(KNOWN_URLS, []);
  }

  /** Removes a stored password (a wrong one, or on the user's request); the next use asks again. */
  async forget(url: string): Promise<void> {
    const key = passwordKey(url);
    this.declined.delete(key);
    await this.secrets.delete(SECRET_PREFIX + key);
    await this.state.update(
      KNOWN_URLS,
      this.known().filter((k) => k !== key),
    );
  }

  /** Ask again for URLs whose box was dismissed (after the user runs a command that needs the store). */
  retry(): void {
    this.declined.clear();
  }
}

/** `mlpipe.forgetStorePassword`: pick a stored URL, remove its password, and restart the runtime (which holds it in memory). */
export function registerStorePasswords(context: vscode.ExtensionContext, client: { credentials: unknown; restart(): void }): StorePasswords {
  const passwords = new StorePasswords(context.secrets, context.globalState);
  client.credentials = { passwordFor: (url: string) => passwords.passwordFor(url), refused: (url: string) => passwords.forget(url) };
  context.subscriptions.push(
    vscode.commands.registerCommand('mlpipe.forgetStorePassword', async (url?: unknown) => {
      const known = passwords.known();
      const pick = typeof url === 'string' ? url : known.length === 0 ? undefined : known.length === 1 ? known[0] : await vscode.window.showQuickPick(known, { title: 'Forget the password of which metadata store?' });
      if (known.length === 0 && typeof url !== 'string') {
        void vscode.window.showInformationMessage('ML Pipelines: no metadata store password is stored.');
        return;
      }
      if (!pick) return;
      await passwords.forget(pick);
      client.restart();
      void vscode.window.showInformationMessage(`ML Pipelines: forgot the password of ${passwordKey(pick)}; it is asked for at the next use.`);
    }),
  );
  return passwords;
}
