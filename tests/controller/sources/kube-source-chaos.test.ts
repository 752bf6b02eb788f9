// A seeded random run of changes, dropped and stalled watches, compactions (410) and bookmarks against the
// fake API server: the source must converge on the server's state, and an Ingress that never changes must be
// served at every moment in between.
import assert from "node:assert/strict";
import { test } from "node:test";
import { KubeSource } from "../../../sdk/controller/sources/kube-source";
import type { ClusterState } from "../../../sdk/controller/sources/objects";
import { FakeKubeApi } from "../../helpers/fake-kube-api";
import { endpointSlice, ingress, ingressClass, service, tlsSecret } from "./kube-objects";
import { captureLogs } from "./log-capture";
import { waitFor } from "./wait-for";

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Versions = Record<string, string>;

function versions(state: ClusterState): Versions {
  const result: Versions = {};
  for (const [kind, objects] of Object.entries(state)) {
    for (const o of objects as readonly {
      metadata?: { namespace?: string; name?: string; resourceVersion?: string };
    }[]) {
      result[`${kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`] =
        o.metadata?.resourceVersion ?? "?";
    }
  }
  return result;
}

function serverVersions(api: FakeKubeApi): Versions {
  const kinds: [string, keyof ClusterState][] = [
    ["Ingress", "ingresses"],
    ["IngressClass", "ingressClasses"],
    ["Service", "services"],
    ["EndpointSlice", "endpointSlices"],
    ["Secret", "secrets"],
  ];
  const result: Versions = {};
  for (const [kind, key] of kinds) {
    for (const o of api.objectsOf(kind)) {
      if (kind === "Secret" && o.type !== "kubernetes.io/tls") continue;
      result[`${key} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`] =
        o.metadata?.resourceVersion ?? "?";
    }
  }
  return result;
}

test("under random changes, drops, stalls and 410s the source converges and never stops serving", async (t) => {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const api = await FakeKubeApi.start();
  for (const object of [
    ingressClass(),
    ingress("web", "stable", "stable.example.com", "stable"),
    service("web", "stable"),
    endpointSlice("web", "stable", ["10.0.0.1"]),
    tlsSecret("web", "stable-tls"),
  ]) {
    api.create(object);
  }
  const logs = captureLogs();
  const source = new KubeSource({
    kubeConfig: api.kubeConfig(),
    logger: logs.logger,
    backoff: { initialMs: 5, maxMs: 40 },
    idleTimeoutMs: 150,
  });
  t.after(async () => {
    await source.stop();
    await api.close();
  });
  await source.start();

  const names = ["a", "b", "c", "d"];
  const counts = { changes: 0, drops: 0, stalls: 0, compactions: 0, bookmarks: 0 };
  for (let step = 0; step < 150; step++) {
    const roll = next();
    const name = pick(names);
    const kind = pick(["Ingress", "Service", "EndpointSlice"] as const);
    const build = {
      Ingress: () => ingress("web", name, `${name}-${step}.example.com`),
      Service: () => service("web", name),
      EndpointSlice: () => endpointSlice("web", name, [`10.1.0.${step % 250}`]),
    }[kind];
    const objectName = kind === "EndpointSlice" ? `${name}-abc12` : name;
    if (roll < 0.7) {
      const existing = api.get(kind, "web", objectName);
      if (!existing) api.create(build());
      else if (next() < 0.5) api.update(build());
      else api.remove(kind, "web", objectName);
      counts.changes += 1;
    } else if (roll < 0.8) {
      api.dropWatches();
      counts.drops += 1;
    } else if (roll < 0.85) {
      api.stallWatches();
      counts.stalls += 1;
    } else if (roll < 0.93) {
      api.compact();
      counts.compactions += 1;
    } else {
      api.bookmark();
      counts.bookmarks += 1;
    }
    // Let the client interleave with the server: this is the point of the test, not a wait for an event.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 4)));
    const served = source.current();
    assert.ok(
      served.ingresses.some((i) => i.metadata?.name === "stable") &&
        served.services.some((s) => s.metadata?.name === "stable") &&
        served.secrets.length >= 1,
      `seed ${seed}, step ${step}: the stable objects are not served`,
    );
  }
  await waitFor(
    () =>
      JSON.stringify(sortKeys(versions(source.current()))) === JSON.stringify(sortKeys(serverVersions(api))),
    `the source to converge on the server's state (seed ${seed})`,
    10_000,
  );
  console.log(`chaos seed ${seed}: ${JSON.stringify(counts)}`);
});

function sortKeys(record: Versions): Versions {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
