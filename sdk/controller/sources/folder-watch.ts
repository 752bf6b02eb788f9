// fs.watch on each folder of the manifests, kept in step with the folders a scan finds.
//
// Why not `fs.watch(root, { recursive: true })`: on Linux, Node 20 builds that by walking the tree
// asynchronously after `watch()` returns, so a change made right after it (or in a folder just created) can be
// missed. A plain watch per folder is in place when `watch()` returns, and the file source adds it before it
// reads the folder, so every change is either in what it reads or reported afterwards. A folder removed and
// made again is a new inode the old watch does not follow; its `dev:ino` tells, and it is watched anew.
import { watch, type FSWatcher } from "node:fs";

interface Watched {
  readonly identity: string;
  readonly watcher: FSWatcher;
}

export class FolderWatch {
  private readonly watched = new Map<string, Watched>();
  private seen = new Set<string>();
  private closed = false;

  constructor(
    /** Any change in a watched folder; `name` is the entry that changed, when the platform says. */
    private readonly onEvent: (folder: string, name: string | null) => void,
    private readonly onError: (folder: string, error: Error) => void,
  ) {}

  /** Starts a pass over the folders: the ones not `add`ed before `endPass()` are no longer watched. */
  beginPass(): void {
    this.seen = new Set();
  }

  /** Watches `folder` (its `dev:ino` is `identity`) unless it is watched already. Call before reading it. */
  add(folder: string, identity: string): void {
    if (this.closed) return;
    this.seen.add(folder);
    const current = this.watched.get(folder);
    if (current?.identity === identity) return;
    current?.watcher.close();
    this.watched.delete(folder);
    try {
      const watcher = watch(folder, { persistent: false }, (_event, name) => this.onEvent(folder, name));
      watcher.on("error", (error) => {
        watcher.close();
        if (this.watched.get(folder)?.watcher === watcher) this.watched.delete(folder);
        this.onError(folder, error);
      });
      this.watched.set(folder, { identity, watcher });
    } catch (error) {
      this.onError(folder, error as Error);
    }
  }

  /** Stops watching the folders this pass did not find. */
  endPass(): void {
    for (const [folder, { watcher }] of this.watched) {
      if (this.seen.has(folder)) continue;
      watcher.close();
      this.watched.delete(folder);
    }
  }

  /** The folders watched now, for tests and logs. */
  folders(): string[] {
    return [...this.watched.keys()].sort();
  }

  close(): void {
    this.closed = true;
    for (const { watcher } of this.watched.values()) watcher.close();
    this.watched.clear();
  }
}
