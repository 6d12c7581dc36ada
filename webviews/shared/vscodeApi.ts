// The webview end of the typed protocol: the only way a view talks to the host.
import type { HostToView, ViewKind, ViewState, ViewToHost } from '../protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface ViewChannel<K extends ViewKind> {
  post(message: ViewToHost[K]): void;
  onMessage(handler: (message: HostToView[K]) => void): void;
  getState(): Partial<ViewState[K]> | undefined;
  setState(state: ViewState[K]): void;
}

/** Messages are checked only for a `type` string starting with the view's prefix; the host is trusted, other senders are not. */
function isFor<K extends ViewKind>(kind: K, data: unknown): data is HostToView[K] {
  if (typeof data !== 'object' || data === null) return false;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith(`${kind}/`);
}

export function connect<K extends ViewKind>(kind: K): ViewChannel<K> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isFor(kind, event.data)) handler(event.data);
      });
    },
    getState: () => {
      const state = api.getState();
      return typeof state === 'object' && state !== null ? (state as Partial<ViewState[K]>) : undefined;
    },
    setState: (state) => api.setState(state),
  };
}
