// Starts a controller on 127.0.0.1 (ports picked by the OS) fed by a MemorySource, for proxy tests.
import { Writable } from "node:stream";
import pino from "pino";
import {
  startController,
  type ControllerOptions,
  type RunningController,
} from "../../sdk/controller/controller";
import type { Snapshot } from "../../sdk/controller/snapshot";
import type { ClusterState } from "../../sdk/controller/sources/objects";
import { CLASS } from "./cluster-objects";
import { MemorySource } from "./memory-source";

export interface Harness {
  readonly controller: RunningController;
  readonly source: MemorySource;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Log lines written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Replaces parts of the state and resolves with the snapshot built from it. */
  apply(state: Partial<ClusterState>): Promise<Snapshot>;
  close(): Promise<void>;
}

export async function startHarness(
  state: Partial<ClusterState>,
  options: Partial<Omit<ControllerOptions, "source" | "logger">> = {},
): Promise<Harness> {
  const source = new MemorySource(state);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") logs.push(JSON.parse(line));
      callback();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  const controller = await startController({
    source,
    logger,
    ingressClass: CLASS,
    host: "127.0.0.1",
    httpPort: 0,
    httpsPort: 0,
    healthPort: null,
    debounceMs: 5,
    maxDelayMs: 50,
    shutdownTimeoutMs: 5_000,
    // node-engine.test.ts runs the behaviour tests again on the node:http engine.
    httpEngine: process.env.INGRESS_KIT_TEST_HTTP_ENGINE === "node" ? "node" : "fast",
    ...options,
  });
  return {
    controller,
    source,
    httpPort: controller.httpPort!,
    httpsPort: controller.httpsPort!,
    logs,
    async apply(next) {
      const version = controller.builder.current()?.version ?? 0;
      const swapped = controller.builder.waitFor((snapshot) => snapshot.version > version);
      source.set(next);
      return swapped;
    },
    close: () => controller.shutdown(),
  };
}
