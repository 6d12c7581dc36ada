// How a metadata store is named, as far as both sides must agree before anything is opened: whether a
// name (the CLI's --db, MLPIPE_METADATA_URL, the mlpipe.metadataPath setting) is a server URL rather than
// a file path, and whether it says the store must never be written. The full parse (user, port, TLS
// files, errors) is runtime/metadata/storeUrl.ts; the extension needs only these two answers, to decide
// whether to ask for a password and whether to offer actions that write.

/** `scheme:` at the start, lower-cased; a one-letter scheme is a Windows drive (`C:\…`), not a scheme. */
export function storeScheme(name: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(name.trim());
  if (!m || m[1]!.length === 1) return undefined;
  return m[1]!.toLowerCase();
}

/** A server URL (mysql://…), as opposed to a file path or a file: URL. No file is ever looked for for it. */
export function isStoreUrl(name: string): boolean {
  const scheme = storeScheme(name);
  return scheme !== undefined && scheme !== 'file';
}

/** `?readonly` or `?readonly=true` in a store URL: nothing may be recorded there (a Kubeflow cluster's store). */
export function storeUrlIsReadOnly(name: string): boolean {
  if (!isStoreUrl(name)) return false;
  const query = name.trim().split('?')[1]?.split('#')[0] ?? '';
  return query.split('&').some((pair) => /^readonly(=(true|1)?)?$/i.test(pair));
}
