// One kind's list-then-watch loop and its store (client-go calls this a reflector).
//
// The semantics the controller relies on:
// - The first complete list resolves `synced`. Until then nothing is served from this kind.
// - A watch resumes from the last resourceVersion it saw (an event's or a bookmark's). A watch that made
//   progress (applied an event, or stayed open a second) resumes at once; rounds without progress (refused or
//   dropped at once, 410 right after a list, a failed list) back off exponentially with jitter, so a sick API
//   server is never hammered.
// - `410 Gone` (as an HTTP status or as an ERROR event with code 410) re-lists. The new list is built aside
//   and swapped in whole when complete, so the previous objects keep serving and no route is ever dropped.
//   A failed re-list keeps the previous objects and is retried with backoff.
// - A line that is not a JSON watch event, or an object without its metadata, is skipped and logged; the loop
//   never throws.
import type { Logger } from "pino";
import { backoffDelay, type BackoffOptions } from "./backoff";
import { sortedFrozen } from "./cluster-state";
import { SourceCodes } from "./codes";
import { errorFields } from "./error-fields";
import { KubeApiError, type KubeHttp } from "./kube-http";
import { findMetadataProblem, isRecord, objectKey, toKeptObject, type KubeObject } from "./kube-object";
import { collectionPath, type ResourceKind } from "./resource-kinds";

export interface ReflectorOptions {
  readonly kind: ResourceKind;
  readonly http: KubeHttp;
  readonly logger: Logger;
  /** Restricts namespaced kinds to this namespace. */
  readonly namespace?: string;
  /** Called after every change of the store (after the first list too). */
  readonly onChange: () => void;
  readonly backoff?: BackoffOptions;
  /** Asks the server to end each watch after this many seconds (randomised up to twice as long); default 300. */
  readonly watchTimeoutSeconds?: number;
  /** Page size of lists (`limit`); default 500. */
  readonly pageSize?: number;
}

type WatchEnd = "closed" | "expired" | "stopped";

/** Ends a watch from inside its line handler. */
class WatchExpired extends Error {}

interface ListPage {
  items: unknown[];
  resourceVersion: string;
  continueToken: string;
}

export class Reflector {
  readonly kind: ResourceKind;
  /** Resolves after the first complete list; rejects only if stopped before. */
  readonly synced: Promise<void>;

  private store = new Map<string, KubeObject>();
  private cached: readonly KubeObject[] | undefined;
  private resourceVersion = "";
  private stopped = false;
  private readonly abort = new AbortController();
  private markSynced!: () => void;
  private failSync!: (error: Error) => void;
  private isSynced = false;
  private loop: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ReflectorOptions) {
    this.kind = options.kind;
    this.log = options.logger.child({ kind: options.kind.kind });
    this.synced = new Promise((resolve, reject) => {
      this.markSynced = resolve;
      this.failSync = reject;
    });
    // Nobody may be awaiting `synced` when stop() rejects it.
    this.synced.catch(() => undefined);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    const error = new Error(`the ${this.kind.kind} source stopped before its first list completed`);
    (error as Error & { code: string }).code = "ERR_SOURCE_STOPPED";
    this.failSync(error);
    await this.loop;
  }

  /** The objects, sorted by namespace and name, frozen; the same array until the next change. */
  items(): readonly KubeObject[] {
    this.cached ??= sortedFrozen(this.store.values());
    return this.cached;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(objectKey(this.kind, { namespace, name }));
  }

  private async run(): Promise<void> {
    // Consecutive rounds without progress; a watch that applied an event or stayed open a second resets it.
    let failures = 0;
    const backOff = async () => {
      failures += 1;
      await this.sleep(backoffDelay(failures - 1, this.options.backoff));
    };
    while (!this.stopped) {
      if (this.resourceVersion === "") {
        try {
          await this.list();
        } catch (error) {
          if (this.stopped) break;
          this.log.error(
            { code: SourceCodes.LIST_FAILED, error: errorFields(error), attempt: failures + 1 },
            `listing ${this.kind.kind} failed; the previous objects keep serving, retrying`,
          );
          await backOff();
          continue;
        }
      }
      const startedAt = Date.now();
      let events = 0;
      const healthy = () => events > 0 || Date.now() - startedAt >= 1000;
      let end: WatchEnd;
      try {
        end = await this.watch(() => (events += 1));
      } catch (error) {
        if (this.stopped) break;
        if (!(error instanceof KubeApiError && error.statusCode === 410)) {
          if (healthy()) failures = 0;
          this.log.warn(
            {
              code: SourceCodes.WATCH_DISCONNECTED,
              error: errorFields(error),
              resourceVersion: this.resourceVersion,
              attempt: failures + 1,
            },
            `the ${this.kind.kind} watch failed; resuming from resourceVersion ${this.resourceVersion}`,
          );
          await backOff();
          continue;
        }
        end = "expired";
      }
      if (end === "stopped") break;
      const progressed = healthy();
      if (progressed) failures = 0;
      if (end === "expired") {
        this.log.warn(
          { code: SourceCodes.WATCH_EXPIRED, resourceVersion: this.resourceVersion },
          `resourceVersion ${this.resourceVersion} of ${this.kind.kind} is too old (410 Gone); re-listing`,
        );
        this.resourceVersion = "";
      }
      // A server that ends every watch at once, or expires every fresh list's version, is not hammered.
      if (!progressed) await backOff();
    }
  }

  /** Lists every page into a new store and swaps it in whole. */
  private async list(): Promise<void> {
    const next = new Map<string, KubeObject>();
    let resourceVersion = "";
    let continueToken = "";
    do {
      const page = await this.listPage(continueToken);
      if (continueToken === "") resourceVersion = page.resourceVersion;
      continueToken = page.continueToken;
      for (const item of page.items) {
        const kept = this.keep(item, "list");
        if (kept) next.set(objectKey(this.kind, kept.metadata ?? {}), kept);
      }
    } while (continueToken !== "" && !this.stopped);
    if (this.stopped) return;
    const changed = !sameVersions(this.store, next);
    const wasSynced = this.isSynced;
    this.store = next;
    this.resourceVersion = resourceVersion;
    if (changed) this.cached = undefined;
    if (!wasSynced) {
      this.isSynced = true;
      this.markSynced();
    } else {
      this.log.info(
        { code: SourceCodes.RELISTED, objects: next.size, changed, resourceVersion },
        `re-listed ${next.size} ${this.kind.kind} objects`,
      );
    }
    if (changed || !wasSynced) this.options.onChange();
  }

  private async listPage(continueToken: string): Promise<ListPage> {
    const body = await this.options.http.getJson(
      collectionPath(this.kind, this.options.namespace),
      {
        limit: String(this.options.pageSize ?? 500),
        continue: continueToken || undefined,
        fieldSelector: this.kind.fieldSelector,
      },
      this.abort.signal,
    );
    if (!isRecord(body) || !Array.isArray(body.items)) {
      throw new Error(`the ${this.kind.kind} list answer has no items array`);
    }
    const meta = isRecord(body.metadata) ? body.metadata : {};
    return {
      items: body.items,
      resourceVersion: typeof meta.resourceVersion === "string" ? meta.resourceVersion : "",
      continueToken: typeof meta.continue === "string" ? meta.continue : "",
    };
  }

  /** Watches from the current resourceVersion until the stream ends; `countEvent` hears each applied event. */
  private async watch(countEvent: () => void): Promise<WatchEnd> {
    const timeout = this.options.watchTimeoutSeconds ?? 300;
    const ended = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, ended.signal]);
    try {
      await this.options.http.watch(
        collectionPath(this.kind, this.options.namespace),
        {
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: "true",
          timeoutSeconds: String(Math.round(timeout * (1 + Math.random()))),
          fieldSelector: this.kind.fieldSelector,
        },
        (line) => {
          if (signal.aborted) return;
          const outcome = this.handleLine(line);
          if (outcome === "applied") countEvent();
          else if (outcome === "expired") ended.abort(new WatchExpired());
        },
        signal,
      );
    } catch (error) {
      if (this.stopped) return "stopped";
      if (ended.signal.aborted) return "expired";
      throw error;
    }
    if (this.stopped) return "stopped";
    return ended.signal.aborted ? "expired" : "closed";
  }

  /**
   * Applies one watch line to the store: "applied" for an event that moved the resume point (even when its
   * object was skipped), "expired" for a 410 ERROR event, undefined for a line that was not an event.
   */
  private handleLine(line: string): "applied" | "expired" | undefined {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      // Never log the line itself: on the Secret watch it may hold key material.
      this.log.warn(
        { code: SourceCodes.MALFORMED_EVENT, bytes: line.length, reason: "not JSON" },
        `skipped a ${this.kind.kind} watch line that is not JSON`,
      );
      return undefined;
    }
    if (!isRecord(event) || typeof event.type !== "string" || !isRecord(event.object)) {
      this.log.warn(
        { code: SourceCodes.MALFORMED_EVENT, bytes: line.length, reason: "not a watch event" },
        `skipped a ${this.kind.kind} watch line without "type" and "object"`,
      );
      return undefined;
    }
    const object = event.object;
    switch (event.type) {
      case "ADDED":
      case "MODIFIED": {
        this.advance(object);
        const kept = this.keep(object, event.type);
        if (kept) this.put(kept);
        else this.removeIfSecretChangedType(object);
        return "applied";
      }
      case "DELETED": {
        this.advance(object);
        if (findMetadataProblem(this.kind, object) === undefined) {
          this.remove(objectKey(this.kind, (object as KubeObject).metadata ?? {}));
        } else this.logMalformed(object, "DELETED");
        return "applied";
      }
      case "BOOKMARK":
        this.advance(object);
        return "applied";
      case "ERROR": {
        const code = object.code;
        if (code === 410) return "expired";
        this.log.warn(
          {
            code: SourceCodes.WATCH_DISCONNECTED,
            status: code,
            reason: object.reason,
            message: object.message,
          },
          `the ${this.kind.kind} watch sent an ERROR event`,
        );
        return undefined;
      }
      default:
        this.log.warn(
          {
            code: SourceCodes.MALFORMED_EVENT,
            bytes: line.length,
            reason: "unknown event type",
            type: event.type,
          },
          `skipped a ${this.kind.kind} watch event of unknown type`,
        );
        return undefined;
    }
  }

  /** Moves the resume point to the object's resourceVersion, when it has one. */
  private advance(object: Record<string, unknown>): void {
    const meta = object.metadata;
    if (isRecord(meta) && typeof meta.resourceVersion === "string" && meta.resourceVersion !== "") {
      this.resourceVersion = meta.resourceVersion;
    }
  }

  /** The copy to store, or undefined (logged) when the object lacks metadata or is a Secret not kept. */
  private keep(value: unknown, origin: string): KubeObject | undefined {
    const problem = findMetadataProblem(this.kind, value);
    if (problem !== undefined) {
      this.logMalformed(value, origin, problem);
      return undefined;
    }
    const kept = toKeptObject(this.kind, value as KubeObject);
    if (!kept) {
      const meta = (value as KubeObject).metadata ?? {};
      this.log.debug(
        { code: SourceCodes.SECRET_IGNORED, namespace: meta.namespace, name: meta.name },
        "ignored a Secret that is not of type kubernetes.io/tls",
      );
    }
    return kept;
  }

  private logMalformed(
    value: unknown,
    origin: string,
    problem = findMetadataProblem(this.kind, value),
  ): void {
    this.log.warn(
      { code: SourceCodes.MALFORMED_OBJECT, origin, problem },
      `skipped a ${this.kind.kind} object: ${problem}`,
    );
  }

  private put(object: KubeObject): void {
    const key = objectKey(this.kind, object.metadata ?? {});
    const previous = this.store.get(key);
    const version = object.metadata?.resourceVersion;
    if (previous && version !== undefined && previous.metadata?.resourceVersion === version) return;
    this.store.set(key, object);
    this.changed();
  }

  private remove(key: string): void {
    if (this.store.delete(key)) this.changed();
  }

  /** A watched object no longer kept (a Secret whose type is no longer TLS) leaves the store. */
  private removeIfSecretChangedType(value: unknown): void {
    if (findMetadataProblem(this.kind, value) === undefined) {
      this.remove(objectKey(this.kind, (value as KubeObject).metadata ?? {}));
    }
  }

  private changed(): void {
    this.cached = undefined;
    this.options.onChange();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener("abort", done, { once: true });
    });
  }
}

function sameVersions(a: ReadonlyMap<string, KubeObject>, b: ReadonlyMap<string, KubeObject>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, object] of b) {
    const version = object.metadata?.resourceVersion;
    if (version === undefined || a.get(key)?.metadata?.resourceVersion !== version) return false;
  }
  return true;
}
