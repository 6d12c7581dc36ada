// Tells the extension when a metadata database changed, whoever wrote it: this runtime's own runs, the
// CLI, another VS Code window, an exported workflow's tasks on a shared volume. A SQLite database in WAL
// mode changes in two files: every commit appends to `<db>-wal`, and a checkpoint rewrites `<db>`; so both
// are watched. fs.watch (inotify, FSEvents …) reports local writes at once; it sees nothing on network
// drives and may miss a file that does not exist yet, so a poll of both files' size and mtime runs beside
// it. Either way a burst of commits becomes one notification per `coalesceMs`.
//
// Why here and not in the extension host: the runtime already holds the connections to these databases
// and knows which ones are being read (also read-only ones outside the workspace, which VS Code's file
// watcher does not cover, and whose folder `files.watcherExclude` may hide); and one watcher serves
// every view, instead of one per view.
//
// A store on a server (MySQL) has no file to watch: it is given a probe, a cheap query whose answer
// changes with every commit that matters to the views (the store's change signature: the newest id and
// last_update_time of executions, artifacts and contexts, all indexed), asked on the same poll.
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface DbWatcherOptions {
  /** Poll interval for the fallback (ms). */
  pollMs?: number;
  /** Minimum time between two notifications for one database (ms). */
  coalesceMs?: number;
  /** False: poll only (what a network drive gets; tests use it to check the fallback alone). */
  fsWatch?: boolean;
}

/** A store's change signature, read through its open connection; undefined when it cannot be read now. */
export type ChangeProbe = () => string | undefined | Promise<string | undefined>;

interface Watched {
  signature: string;
  probe?: ChangeProbe;
  probing?: boolean;
  watcher?: FSWatcher;
  timer?: ReturnType<typeof setTimeout>;
  lastSent: number;
}

function signature(path: string): string {
  const part = (p: string): string => {
    try {
      const s = statSync(p);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${part(path)}|${part(`${path}-wal`)}`;
}

export class DbWatcher {
  private readonly watched = new Map<string, Watched>();
  private readonly poll: ReturnType<typeof setInterval>;
  private readonly coalesceMs: number;
  private readonly fsWatch: boolean;

  constructor(
    private readonly onChange: (path: string) => void,
    o: DbWatcherOptions = {},
  ) {
    this.coalesceMs = o.coalesceMs ?? 150;
    this.fsWatch = o.fsWatch ?? true;
    this.poll = setInterval(() => this.pollAll(), o.pollMs ?? 400);
    this.poll.unref?.();
  }

  /** Starts watching a database (idempotent); it may not exist yet. A store on a server gives its probe. */
  add(path: string, probe?: ChangeProbe): void {
    if (this.watched.has(path)) return;
    if (probe) {
      const w: Watched = { signature: '', probe, lastSent: 0 };
      this.watched.set(path, w);
      void this.probe(path, w, true);
      return;
    }
    const w: Watched = { signature: signature(path), lastSent: 0 };
    this.watched.set(path, w);
    this.attach(path, w);
  }

  /** Asks a server store's probe (one question in flight per store); the first answer is the baseline. */
  private async probe(path: string, w: Watched, baseline = false): Promise<void> {
    if (w.probing) return;
    w.probing = true;
    try {
      const now = await w.probe!();
      if (now === undefined || this.watched.get(path) !== w) return;
      if (baseline || w.signature === '') w.signature = now;
      else this.changed(path, w, now);
    } catch {
      // The server is unreachable for now: the views say so when they ask; keep polling.
    } finally {
      w.probing = false;
    }
  }

  /** fs.watch on the folder, filtered to the two files: a folder watch survives the WAL being deleted and recreated. */
  private attach(path: string, w: Watched): void {
    if (!this.fsWatch || w.watcher || !existsSync(dirname(path))) return;
    const names = new Set([basename(path), `${basename(path)}-wal`]);
    try {
      w.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
        if (name === null || names.has(String(name))) this.check(path, w);
      });
      w.watcher.on('error', () => {
        w.watcher?.close();
        w.watcher = undefined; // the poll carries on
      });
    } catch {
      // Not watchable (some network file systems): the poll is enough.
    }
  }

  private pollAll(): void {
    for (const [path, w] of this.watched) {
      if (w.probe) {
        void this.probe(path, w);
        continue;
      }
      this.attach(path, w); // the folder may have been created since
      this.check(path, w);
    }
  }

  private check(path: string, w: Watched): void {
    this.changed(path, w, signature(path));
  }

  private changed(path: string, w: Watched, now: string): void {
    if (now === w.signature) return;
    w.signature = now;
    if (w.timer) return;
    const wait = Math.max(0, w.lastSent + this.coalesceMs - Date.now());
    w.timer = setTimeout(() => {
      w.timer = undefined;
      w.lastSent = Date.now();
      this.onChange(path);
    }, wait);
  }

  dispose(): void {
    clearInterval(this.poll);
    for (const w of this.watched.values()) {
      w.watcher?.close();
      if (w.timer) clearTimeout(w.timer);
    }
    this.watched.clear();
  }
}
