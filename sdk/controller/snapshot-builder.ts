// Watches an ObjectSource, debounces its changes, rebuilds the snapshot and swaps one reference. A failed
// build keeps serving the previous snapshot and logs; it never throws into the source's watch loop.
//
// The debounce has a leading edge: a change that comes when the builder is idle (no build in the last
// `debounceMs`) is built at once, on the next turn of the event loop (so that what one source callback
// reports is one build); changes that follow within `debounceMs` of a build are a burst, built once after
// `debounceMs` of quiet (or `maxDelayMs` after the first of them). A lone edit is then served without waiting.
import type { Logger } from "pino";
import type { ControllerMetrics } from "./metrics";
import { buildSnapshot, type Snapshot, type SnapshotOptions } from "./snapshot";
import type { ObjectSource } from "./sources/source";

export interface SnapshotBuilderOptions extends Omit<SnapshotOptions, "previous"> {
  source: ObjectSource;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** Quiet time after the last change of a burst before rebuilding, ms; a lone change is built at once. Default 50. */
  debounceMs?: number;
  /** Longest a change waits while changes keep coming, ms. Default 500. */
  maxDelayMs?: number;
}

export type SnapshotListener = (snapshot: Snapshot) => void;

export class SnapshotBuilder {
  private snapshot: Snapshot | null = null;
  private unsubscribe: (() => void) | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private firstPendingAt = 0;
  /** When the last build ended (Date.now()), to tell a lone change from one of a burst. */
  private lastBuildAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<SnapshotListener>();
  private lastWarnings = new Set<string>();
  private lastUnservable = "";
  private stopped = false;

  constructor(private readonly options: SnapshotBuilderOptions) {}

  /** The serving snapshot, or null before the first successful build. Read it once per request. */
  current(): Snapshot | null {
    return this.snapshot;
  }

  /** Starts the source, builds the first snapshot and subscribes to changes. */
  async start(): Promise<Snapshot | null> {
    this.unsubscribe = this.options.source.onChange(() => this.schedule());
    await this.options.source.start();
    this.rebuild();
    return this.snapshot;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
    await this.options.source.stop();
  }

  /** Calls `listener` after every swap. Returns a function that unsubscribes. */
  onSwap(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first snapshot for which `predicate` holds (the current one included). */
  waitFor(predicate: (snapshot: Snapshot) => boolean): Promise<Snapshot> {
    if (this.snapshot && predicate(this.snapshot)) return Promise.resolve(this.snapshot);
    return new Promise((resolve) => {
      const off = this.onSwap((snapshot) => {
        if (!predicate(snapshot)) return;
        off();
        resolve(snapshot);
      });
    });
  }

  private schedule(): void {
    if (this.stopped || this.immediate) return; // a build about to run reads the source's state then
    const now = Date.now();
    const debounce = this.options.debounceMs ?? 50;
    const maxDelay = this.options.maxDelayMs ?? 500;
    if (!this.debounceTimer && now - this.lastBuildAt >= debounce) {
      this.immediate = setImmediate(() => {
        this.immediate = null;
        this.rebuild();
      });
      return;
    }
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    else this.firstPendingAt = now;
    const wait = Math.max(0, Math.min(debounce, this.firstPendingAt + maxDelay - now));
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.rebuild();
    }, wait);
  }

  /** Builds from the source's current state now and swaps on success. Returns whether it succeeded. */
  rebuild(): boolean {
    if (this.stopped) return false;
    const { logger, metrics, source } = this.options;
    const started = process.hrtime.bigint();
    let next: Snapshot;
    try {
      next = buildSnapshot(source.current(), {
        ingressClass: this.options.ingressClass,
        controllerName: this.options.controllerName,
        compile: this.options.compile,
        previous: this.snapshot,
      });
    } catch (error) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.lastBuildAt = Date.now();
      metrics?.reload(false, seconds, this.snapshot);
      logger.error(
        { err: error, source: source.name, servingVersion: this.snapshot?.version ?? null },
        "snapshot build failed; still serving the previous snapshot",
      );
      return false;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.lastBuildAt = Date.now();
    this.snapshot = next;
    metrics?.reload(true, seconds, next);
    this.report(next, seconds);
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        logger.error({ err: error }, "snapshot listener failed");
      }
    }
    return true;
  }

  private report(snapshot: Snapshot, seconds: number): void {
    const { logger, source } = this.options;
    logger.debug(
      {
        version: snapshot.version,
        routes: snapshot.routeCount,
        endpoints: snapshot.endpointCount,
        ms: seconds * 1000,
      },
      "snapshot swapped",
    );
    // Warnings are logged once each, not on every rebuild.
    const warnings = new Set(snapshot.warnings);
    for (const warning of warnings) {
      if (!this.lastWarnings.has(warning)) logger.warn({ warning }, "configuration warning");
    }
    this.lastWarnings = warnings;
    const unservable = JSON.stringify(snapshot.unservable);
    if (unservable !== this.lastUnservable) {
      for (const item of snapshot.unservable) {
        logger.warn(
          { ingress: `${item.namespace}/${item.name}`, code: item.code, reason: item.message },
          "ingress cannot be fully served",
        );
      }
      this.lastUnservable = unservable;
    }
    try {
      source.reportUnservable?.(snapshot.unservable);
    } catch (error) {
      logger.error({ err: error }, "reporting unservable ingresses failed");
    }
  }
}
