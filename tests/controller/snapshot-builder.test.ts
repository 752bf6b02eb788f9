import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Writable } from "node:stream";
import pino from "pino";
import { compileRoutes } from "../../sdk/matcher";
import { createControllerMetrics } from "../../sdk/controller/metrics";
import { SnapshotBuilder } from "../../sdk/controller/snapshot-builder";
import { CLASS, ingress, ingressClass, service } from "../helpers/cluster-objects";
import { MemorySource } from "../helpers/memory-source";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, logger: pino({ level: "debug" }, sink) };
}

const route = (name: string, host: string) =>
  ingress(name, { rules: [{ host, paths: [{ path: "/", service: "web" }] }] });

describe("snapshot builder", () => {
  it("coalesces a burst of changes into one rebuild", async (t) => {
    const source = new MemorySource({ ingressClasses: [ingressClass()], services: [service("web")] });
    const { logger } = capture();
    let compiles = 0;
    const builder = new SnapshotBuilder({
      source,
      logger,
      ingressClass: CLASS,
      debounceMs: 20,
      maxDelayMs: 1_000,
      compile: (ingresses, options) => {
        compiles++;
        return compileRoutes(ingresses, options);
      },
    });
    t.after(() => builder.stop());
    await builder.start();
    assert.equal(compiles, 1);
    const swapped = builder.waitFor((s) => s.version === 2);
    for (let i = 0; i < 10; i++) source.set({ ingresses: [route(`r${i}`, `h${i}.test`)] });
    const snapshot = await swapped;
    assert.equal(compiles, 2);
    assert.deepEqual(
      snapshot.table.ingresses.map((r) => r.name),
      ["r9"],
    );
  });

  it("builds a lone change at once, without waiting for the debounce", async (t) => {
    const source = new MemorySource({ ingressClasses: [ingressClass()], services: [service("web")] });
    const builder = new SnapshotBuilder({
      source,
      logger: capture().logger,
      ingressClass: CLASS,
      debounceMs: 1_000,
      maxDelayMs: 10_000,
    });
    t.after(() => builder.stop());
    await builder.start();
    await new Promise((resolve) => setTimeout(resolve, 1_050)); // idle for longer than the debounce
    const started = Date.now();
    const swapped = builder.waitFor((s) => s.version === 2);
    source.set({ ingresses: [route("lone", "lone.test")] });
    const snapshot = await swapped;
    assert.ok(Date.now() - started < 500, `built after ${Date.now() - started} ms`);
    assert.ok(snapshot.table.match("lone.test", "/"));
  });

  it("builds the first change of a burst at once and the rest once, after the quiet time", async (t) => {
    const source = new MemorySource({ ingressClasses: [ingressClass()], services: [service("web")] });
    let compiles = 0;
    const builder = new SnapshotBuilder({
      source,
      logger: capture().logger,
      ingressClass: CLASS,
      debounceMs: 100,
      maxDelayMs: 2_000,
      compile: (ingresses, options) => {
        compiles++;
        return compileRoutes(ingresses, options);
      },
    });
    t.after(() => builder.stop());
    await builder.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const first = builder.waitFor((s) => s.version === 2);
    source.set({ ingresses: [route("r0", "h0.test")] });
    await first;
    assert.equal(compiles, 2);
    const last = builder.waitFor((s) => s.version === 3);
    for (let i = 1; i <= 5; i++) {
      source.set({ ingresses: [route(`r${i}`, `h${i}.test`)] });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const snapshot = await last;
    assert.equal(compiles, 3);
    assert.deepEqual(
      snapshot.table.ingresses.map((r) => r.name),
      ["r5"],
    );
  });

  it("rebuilds within the max delay even while changes keep coming", async (t) => {
    const source = new MemorySource({ ingressClasses: [ingressClass()], services: [service("web")] });
    const builder = new SnapshotBuilder({
      source,
      logger: capture().logger,
      ingressClass: CLASS,
      debounceMs: 50,
      maxDelayMs: 100,
    });
    t.after(() => builder.stop());
    await builder.start();
    let swapped = false;
    void builder.waitFor((s) => s.version === 2).then(() => (swapped = true));
    const started = Date.now();
    // A change every 10 ms never leaves 50 ms of quiet; the max delay forces a rebuild anyway.
    while (!swapped && Date.now() - started < 5_000) {
      source.set({ ingresses: [route("r", `h${Date.now()}.test`)] });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(swapped);
    assert.ok(Date.now() - started < 2_500);
  });

  it("keeps serving the previous snapshot when a build fails, logs it and counts the failure", async (t) => {
    const source = new MemorySource({
      ingressClasses: [ingressClass()],
      services: [service("web")],
      ingresses: [route("good", "good.test")],
    });
    const { lines, logger } = capture();
    const metrics = createControllerMetrics({ defaultMetrics: false });
    let fail = false;
    const builder = new SnapshotBuilder({
      source,
      logger,
      metrics,
      ingressClass: CLASS,
      debounceMs: 1,
      compile: (ingresses, options) => {
        if (fail) throw new Error("compiler exploded");
        return compileRoutes(ingresses, options);
      },
    });
    t.after(() => builder.stop());
    const first = await builder.start();
    fail = true;
    source.set({ ingresses: [route("next", "next.test")] });
    assert.equal(builder.rebuild(), false);
    assert.equal(builder.current(), first);
    assert.ok(builder.current()!.table.match("good.test", "/"));
    const logged = lines.find(
      (l) => l["msg"] === "snapshot build failed; still serving the previous snapshot",
    );
    assert.equal((logged?.["err"] as { message?: string } | undefined)?.message, "compiler exploded");
    assert.match(
      await metrics.registry.metrics(),
      /ingress_kit_snapshot_reloads_total\{result="failure"\} [1-9]/,
    );
    fail = false;
    assert.equal(builder.rebuild(), true);
    assert.ok(builder.current()!.table.match("next.test", "/"));
  });
});
