// The file source (`--manifests PATH`): the five kinds read from a manifest file, or from every `.yaml`, `.yml`
// and `.json` file under a folder, re-read when they change.
//
// - Folders are read recursively, following symbolic links; names starting with "." are skipped. That reads a
//   mounted ConfigMap exactly once: its files are links into a hidden `..data` folder.
// - Changes are seen through fs.watch on every folder (file mode: the file's folder, so that an editor's save
//   by renaming a temporary file over the original is seen), debounced; and through polling (a stat of every
//   file, default every 2 s), because fs.watch reports nothing on some file systems (network mounts, some
//   Docker bind mounts). A re-read only reads the files whose size, inode or times changed, and parses only
//   their documents that are new or changed (see manifest-reader.ts).
// - A file that fails to parse, or cannot be read, keeps the objects of its last good version and logs the
//   error with the file name and line. A file deleted from the folder takes its objects with it; the single
//   file of file mode never does (a missing file is most likely mid-save).
// - The same object in two files: the first by path (then position) wins, the other is logged.
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import type { Logger } from "pino";
import { buildClusterState } from "./cluster-state";
import { SourceCodes } from "./codes";
import { errorFields } from "./error-fields";
import { FolderWatch } from "./folder-watch";
import { MergedObjects } from "./merged-objects";
import { readManifests, textHash, type ManifestDocuments, type ManifestObject } from "./manifest-reader";
import type { ClusterState } from "./objects";
import { EMPTY_CLUSTER_STATE } from "./objects";
import type { ObjectSource, UnservableIngress } from "./source";
import { UnservableReporter } from "./unservable-reporter";

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

export interface FileSourceOptions {
  /** A manifest file, or a folder read recursively. */
  readonly path: string;
  readonly logger: Logger;
  /**
   * Quiet time after a file-system event before re-reading, in ms; default 20: long enough to gather the events
   * of one save and not to read a file its writer is still writing (which would serve a cut-off copy until the
   * next read). The snapshot builder then builds a lone change at once, so this is most of what a change waits.
   */
  readonly debounceMs?: number;
  /** Interval of the polling fallback in ms; 0 turns polling off. Default 2000. */
  readonly pollIntervalMs?: number;
  /** Use fs.watch besides polling; default true. */
  readonly watch?: boolean;
}

/** A ManifestsError stops `start()`: the path does not exist or is neither a file nor a folder. */
export class ManifestsError extends Error {
  readonly code = "ERR_MANIFESTS_PATH";
  constructor(message: string) {
    super(message);
    this.name = "ManifestsError";
  }
}

interface FileEntry {
  /** size, inode and change times: a cheap test of whether the file may have changed. */
  signature: string;
  /** The hash of the text last read, parsed or not (the text itself is not kept). */
  textHash: string;
  /** The objects of the last version that parsed. */
  objects: readonly ManifestObject[];
  /** The parsed documents of that version, reused by the next read of the file. */
  documents: ManifestDocuments;
  /** The error code of the last failed read, so that a file missing for a while is logged once. */
  readFailure?: string;
}

const NO_OBJECTS: readonly ManifestObject[] = Object.freeze([]);
const NO_DOCUMENTS: ManifestDocuments = new Map();

export class FileSource implements ObjectSource {
  readonly name: string;

  private readonly root: string;
  private readonly log: Logger;
  private readonly listeners = new Set<() => void>();
  private readonly reporter: UnservableReporter;
  private files = new Map<string, FileEntry>();
  private readonly merged = new MergedObjects();
  private state: ClusterState = EMPTY_CLUSTER_STATE;
  private mode: "file" | "folder" = "folder";
  private folderWatch: FolderWatch | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private scanAgain = false;
  /** The error code of the last failed folder listing, so that a missing folder is logged once. */
  private folderFailure: string | undefined;
  private stopped = false;
  /** The first scan is announced by `start()` resolving, not by listeners. */
  private started = false;

  constructor(private readonly options: FileSourceOptions) {
    this.root = resolve(options.path);
    this.name = `file:${options.path}`;
    this.log = options.logger.child({ source: this.name });
    this.reporter = new UnservableReporter({ logger: this.log });
  }

  async start(): Promise<void> {
    let info;
    try {
      info = await stat(this.root);
    } catch (error) {
      throw new ManifestsError(
        `--manifests "${this.options.path}" cannot be read (${errorFields(error).message}). ` +
          "Pass an existing file or folder of .yaml, .yml or .json manifests.",
      );
    }
    if (!info.isFile() && !info.isDirectory()) {
      throw new ManifestsError(`--manifests "${this.options.path}" is neither a file nor a folder.`);
    }
    this.mode = info.isFile() ? "file" : "folder";
    if (this.options.watch !== false) this.folderWatch = this.createFolderWatch();
    await this.rescan(); // through rescan(): a watch event during the first read queues behind it
    this.started = true;
    if (this.stopped) return;
    const interval = this.options.pollIntervalMs ?? 2000;
    if (interval > 0) {
      this.pollTimer = setInterval(() => void this.rescan(), interval);
      this.pollTimer.unref();
    }
    const s = this.state;
    this.log.info(
      {
        code: SourceCodes.SYNCED,
        files: this.files.size,
        ingresses: s.ingresses.length,
        ingressClasses: s.ingressClasses.length,
        services: s.services.length,
        endpointSlices: s.endpointSlices.length,
        secrets: s.secrets.length,
      },
      `read ${this.files.size} manifest files; watching for changes`,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.folderWatch?.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
    await this.scanning;
    this.listeners.clear();
  }

  current(): ClusterState {
    return this.state;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Logs each unservable Ingress once per reason (files carry no generation). */
  reportUnservable(items: readonly UnservableIngress[]): void {
    this.reporter.report(items);
  }

  /** Re-reads what changed now; resolves when done. The watcher and the poller call this too. */
  rescan(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.scanAgain = false;
          await this.scan();
        } while (this.scanAgain && !this.stopped);
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private createFolderWatch(): FolderWatch {
    const file = basename(this.root);
    return new FolderWatch(
      (_folder, name) => {
        // In file mode the parent folder is watched: only the file itself matters (a rename over it included).
        if (this.mode === "file" && name !== null && name !== file) return;
        clearTimeout(this.debounceTimer);
        this.debounceTimer = setTimeout(() => void this.rescan(), this.options.debounceMs ?? 20);
        this.debounceTimer.unref();
      },
      (folder, error) => {
        this.log.warn(
          { code: SourceCodes.MANIFEST_READ_FAILED, folder, error: errorFields(error) },
          `watching ${folder} failed; its changes are seen by polling only`,
        );
      },
    );
  }

  /** One pass: find the files, re-read those whose signature changed, rebuild the state if objects changed. */
  private async scan(): Promise<void> {
    if (this.mode === "file") await this.watchFolder(dirname(this.root));
    const paths = this.mode === "file" ? [this.root] : await this.listFolder();
    if (paths === undefined) return; // the folder could not be read: keep everything
    let changed = false;
    const next = new Map<string, FileEntry>();
    for (const path of paths) {
      const previous = this.files.get(path);
      const entry = await this.readFile(path, previous);
      if (entry) next.set(path, entry);
      if (entry?.objects !== previous?.objects) changed = true;
    }
    if (this.mode === "folder" && [...this.files.keys()].some((path) => !next.has(path))) changed = true;
    this.files = next;
    if (changed && !this.stopped) this.rebuild();
  }

  /** Watches `folder` (file mode: the file's folder) before it is read. */
  private async watchFolder(folder: string): Promise<void> {
    if (!this.folderWatch) return;
    const info = await stat(folder, { bigint: true }).catch(() => undefined);
    this.folderWatch.beginPass();
    if (info) this.folderWatch.add(folder, `${info.dev}:${info.ino}:${info.birthtimeNs}`);
    this.folderWatch.endPass();
  }

  /** The manifest files under the folder, sorted, or undefined when the folder cannot be read. */
  private async listFolder(): Promise<string[] | undefined> {
    const found: string[] = [];
    const visited = new Set<string>();
    const walk = async (folder: string): Promise<void> => {
      const info = await stat(folder, { bigint: true });
      const real = `${info.dev}:${info.ino}`;
      if (visited.has(real)) return; // a link cycle
      visited.add(real);
      // The birth time tells a folder made again apart from the old one when the file system reuses the inode.
      this.folderWatch?.add(folder, `${real}:${info.birthtimeNs}`);
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (entry.name.startsWith(".")) continue;
        const path = join(folder, entry.name);
        let kind: "file" | "folder" | undefined;
        if (entry.isDirectory()) kind = "folder";
        else if (entry.isFile()) kind = "file";
        else if (entry.isSymbolicLink()) {
          const target = await stat(path).catch(() => undefined);
          kind = target?.isDirectory() ? "folder" : target?.isFile() ? "file" : undefined;
        }
        if (kind === "folder") await walk(path);
        else if (kind === "file" && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
          found.push(path);
        }
      }
    };
    this.folderWatch?.beginPass();
    try {
      await walk(this.root);
      this.folderWatch?.endPass();
    } catch (error) {
      // Folders that are gone are no longer watched; they are watched anew when a scan finds them again.
      this.folderWatch?.endPass();
      const failure = (error as NodeJS.ErrnoException).code ?? "EIO";
      if (this.folderFailure !== failure) {
        this.log.error(
          { code: SourceCodes.MANIFEST_READ_FAILED, path: this.options.path, error: errorFields(error) },
          `reading the manifests folder failed; the previous objects keep serving`,
        );
      }
      this.folderFailure = failure;
      return undefined;
    }
    this.folderFailure = undefined;
    return found.sort();
  }

  /**
   * The file's entry after this pass: the previous one when unchanged or unreadable, a new one when re-read.
   * A new text that does not parse keeps the previous objects.
   */
  private async readFile(path: string, previous: FileEntry | undefined): Promise<FileEntry | undefined> {
    const file = this.displayName(path);
    let signature: string;
    let text: string;
    try {
      const info = await stat(path, { bigint: true });
      signature = `${info.size}:${info.ino}:${info.mtimeNs}:${info.ctimeNs}`;
      if (previous?.signature === signature) return previous;
      text = await readFile(path, "utf8");
    } catch (error) {
      const failure = (error as NodeJS.ErrnoException).code ?? "EIO";
      if (failure === "ENOENT" && this.mode === "folder") return undefined; // deleted between listing and reading
      if (previous?.readFailure !== failure) {
        this.log.error(
          { code: SourceCodes.MANIFEST_READ_FAILED, file, error: errorFields(error) },
          `reading ${file} failed; ${previous?.objects.length ? "its previous objects keep serving" : "it is skipped"}`,
        );
      }
      return {
        signature: "",
        textHash: previous?.textHash ?? "",
        objects: previous?.objects ?? NO_OBJECTS,
        documents: previous?.documents ?? NO_DOCUMENTS,
        readFailure: failure,
      };
    }
    const hash = textHash(text);
    if (previous !== undefined && previous.textHash === hash) {
      return { textHash: hash, objects: previous.objects, documents: previous.documents, signature };
    }
    const result = readManifests(text, previous?.documents);
    if (!result.ok) {
      const { line, column, code, message } = result.error;
      this.log.error(
        { code: SourceCodes.MANIFEST_PARSE_FAILED, file, line, column, yamlCode: code },
        `${file}:${line}:${column}: ${message}; ${previous ? "its previous objects keep serving" : "it is skipped"}`,
      );
      return {
        signature,
        textHash: hash,
        objects: previous?.objects ?? NO_OBJECTS,
        documents: previous?.documents ?? NO_DOCUMENTS,
      };
    }
    for (const note of result.notes) {
      const fields = { file, line: note.line, kind: note.kind, apiVersion: note.apiVersion, name: note.name };
      if (note.reason === "malformed-object") {
        this.log.warn(
          { code: SourceCodes.MALFORMED_OBJECT, ...fields, problem: note.message },
          `${file}:${note.line}: skipped: ${note.message}`,
        );
      } else {
        const code = note.reason === "secret-ignored" ? SourceCodes.SECRET_IGNORED : SourceCodes.KIND_IGNORED;
        this.log.debug({ code, ...fields }, `${file}:${note.line}: ${note.message}`);
      }
    }
    this.log.info(
      {
        code: SourceCodes.MANIFEST_LOADED,
        file,
        objects: result.objects.length,
        parsedDocuments: result.parsedDocuments,
      },
      `read ${result.objects.length} objects from ${file}`,
    );
    return { signature, textHash: hash, objects: result.objects, documents: result.documents };
  }

  private rebuild(): void {
    const { byKind, duplicates } = this.merged.merge(
      [...this.files].map(([path, entry]) => [path, entry.objects] as const),
    );
    for (const { kind, key, path, line, keptPath, keptLine } of duplicates) {
      const file = this.displayName(path);
      const kept = `${this.displayName(keptPath)}:${keptLine}`;
      this.log.warn(
        { code: SourceCodes.MANIFEST_DUPLICATE, kind: kind.kind, object: key, file, line, kept },
        `${file}:${line}: ${kind.kind} ${key} is also defined at ${kept}; the first one is kept`,
      );
    }
    this.state = buildClusterState(byKind);
    if (!this.started) return;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error({ error: errorFields(error) }, "a change listener threw");
      }
    }
  }

  /** A file's name relative to the folder (or as given in file mode), for logs. */
  private displayName(path: string): string {
    return this.mode === "file" ? this.options.path : relative(this.root, path);
  }
}
