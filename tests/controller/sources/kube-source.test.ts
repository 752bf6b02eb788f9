// The Kubernetes source against an in-process API server speaking the real list/watch protocol over HTTP,
// reached through the real @kubernetes/client-node KubeConfig.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { SourceCodes } from "../../../sdk/controller/sources/codes";
import { KubeSource, type KubeSourceOptions } from "../../../sdk/controller/sources/kube-source";
import type { ClusterState } from "../../../sdk/controller/sources/objects";
import { makeCertificate } from "../../helpers/certificates";
import { FakeKubeApi, type FakeKubeApiOptions, type FakeObject } from "../../helpers/fake-kube-api";
import {
  SECRET_VALUES,
  endpointSlice,
  ingress,
  ingressClass,
  opaqueSecret,
  service,
  tlsSecret,
} from "./kube-objects";
import { captureLogs, type CapturedLogger } from "./log-capture";
import { waitFor } from "./wait-for";

interface Harness {
  api: FakeKubeApi;
  source: KubeSource;
  logs: CapturedLogger;
  changes: () => number;
}

const BASE_SEED: FakeObject[] = [
  ingressClass(),
  ingress("web", "shop", "shop.example.com", "web"),
  ingress("web", "blog", "blog.example.com", "blog"),
  service("web", "web"),
  service("web", "blog"),
  endpointSlice("web", "web", ["10.0.0.1", "10.0.0.2"]),
  tlsSecret("web", "shop-tls"),
  opaqueSecret("web", "db-password"),
];

async function startSource(
  t: TestContext,
  seed: FakeObject[] = BASE_SEED,
  options: Partial<KubeSourceOptions> = {},
  apiOptions: FakeKubeApiOptions = {},
): Promise<Harness> {
  const api = await FakeKubeApi.start(apiOptions);
  for (const object of seed) api.create(object);
  const logs = captureLogs();
  const source = new KubeSource({
    kubeConfig: api.kubeConfig(),
    logger: logs.logger,
    backoff: { initialMs: 10, maxMs: 100 },
    ...options,
  });
  t.after(async () => {
    await source.stop();
    await api.close();
  });
  let changes = 0;
  source.onChange(() => (changes += 1));
  await withDeadline(source.start(), 5000, "the first list");
  return { api, source, logs, changes: () => changes };
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function names(objects: readonly { metadata?: { namespace?: string; name?: string } }[]): string[] {
  return objects.map((o) =>
    o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata?.name ?? ""),
  );
}

function ingressNames(source: KubeSource): string[] {
  return names(source.current().ingresses);
}

/** Every kind's names, to compare whole states. */
function stateNames(state: ClusterState): Record<string, string[]> {
  return {
    ingresses: names(state.ingresses),
    ingressClasses: names(state.ingressClasses),
    services: names(state.services),
    endpointSlices: names(state.endpointSlices),
    secrets: names(state.secrets),
  };
}

describe("KubeSource", () => {
  test("start() resolves after the first list of all five kinds, as plain JSON objects", async (t) => {
    const { api, source, logs } = await startSource(t);
    assert.deepEqual(stateNames(source.current()), {
      ingresses: ["web/blog", "web/shop"],
      ingressClasses: ["ingress-kit"],
      services: ["web/blog", "web/web"],
      endpointSlices: ["web/web-abc12"],
      secrets: ["web/shop-tls"],
    });
    const shop = source.current().ingresses.find((i) => i.metadata?.name === "shop");
    // List items come without apiVersion/kind; the source fills them in. Timestamps stay strings.
    assert.equal(shop?.apiVersion, "networking.k8s.io/v1");
    assert.equal(shop?.kind, "Ingress");
    assert.equal(typeof shop?.metadata?.creationTimestamp, "string");
    const listed = api.requests
      .filter((r) => r.method === "GET" && r.query.watch === undefined)
      .map((r) => r.path);
    assert.deepEqual(listed.sort(), [
      "/api/v1/secrets",
      "/api/v1/services",
      "/apis/discovery.k8s.io/v1/endpointslices",
      "/apis/networking.k8s.io/v1/ingressclasses",
      "/apis/networking.k8s.io/v1/ingresses",
    ]);
    assert.equal(logs.withCode(SourceCodes.SYNCED).length, 1);
  });

  test("the state is frozen and stays the same object until something changes", async (t) => {
    const { api, source } = await startSource(t);
    const before = source.current();
    assert.equal(source.current(), before);
    assert.ok(Object.isFrozen(before) && Object.isFrozen(before.ingresses));
    api.create(ingress("web", "new", "new.example.com"));
    await waitFor(() => ingressNames(source).includes("web/new"), "the ADDED event");
    assert.notEqual(source.current(), before);
    assert.equal(source.current().services, before.services, "unchanged kinds keep their arrays");
    assert.deepEqual(names(before.ingresses), ["web/blog", "web/shop"], "an old state is never mutated");
  });

  test("ADDED, MODIFIED and DELETED watch events update the state and notify listeners", async (t) => {
    const { api, source, changes } = await startSource(t);
    assert.equal(changes(), 0, "the initial list is announced by start(), not by onChange");
    await waitFor(() => api.watchCount() === 5, "five open watches");

    api.create(ingress("web", "api", "api.example.com"));
    await waitFor(() => ingressNames(source).includes("web/api"), "the ADDED Ingress");
    assert.equal(changes(), 1);

    const updated = ingress("web", "api", "api2.example.com");
    api.update(updated);
    await waitFor(
      () =>
        source.current().ingresses.find((i) => i.metadata?.name === "api")?.spec?.rules?.[0]?.host ===
        "api2.example.com",
      "the MODIFIED Ingress",
    );
    assert.equal(changes(), 2);

    api.remove("Service", "web", "blog");
    await waitFor(() => !names(source.current().services).includes("web/blog"), "the DELETED Service");
    assert.equal(changes(), 3);

    api.update({ ...endpointSlice("web", "web", ["10.0.0.3"]) });
    await waitFor(
      () => source.current().endpointSlices[0]?.endpoints?.[0]?.addresses?.[0] === "10.0.0.3",
      "the MODIFIED EndpointSlice",
    );
  });

  test("keeps only tls.crt and tls.key of kubernetes.io/tls Secrets and never logs secret data", async (t) => {
    const { api, source, logs } = await startSource(t);
    const secret = source.current().secrets[0];
    assert.deepEqual(Object.keys(secret?.data ?? {}).sort(), ["tls.crt", "tls.key"]);
    assert.equal(secret?.metadata?.annotations, undefined, "the last-applied annotation repeats the key");
    assert.ok(
      api.requests
        .filter((r) => r.path === "/api/v1/secrets")
        .every((r) => r.query.fieldSelector === "type=kubernetes.io/tls"),
    );

    // A server that ignored the field selector: an Opaque Secret arriving on the watch is not kept.
    await waitFor(() => api.watchCount("Secret") === 1, "the Secret watch");
    api.sendRaw(
      "Secret",
      JSON.stringify({
        type: "ADDED",
        object: {
          ...opaqueSecret("web", "leak"),
          metadata: { namespace: "web", name: "leak", resourceVersion: "99999" },
        },
      }),
    );
    api.sendRaw(
      "Secret",
      `{"type":"ADDED","object":{"data":{"tls.key":"${Buffer.from("SECRET-KEY").toString("base64")}"`,
    );
    api.create(tlsSecret("web", "other-tls"));
    await waitFor(() => names(source.current().secrets).includes("web/other-tls"), "the next Secret");
    assert.deepEqual(names(source.current().secrets), ["web/other-tls", "web/shop-tls"]);
    assert.equal(logs.withCode(SourceCodes.SECRET_IGNORED).length, 1);
    assert.equal(logs.withCode(SourceCodes.MALFORMED_EVENT).length, 1);
    const written = logs.raw.join("");
    for (const value of SECRET_VALUES) assert.ok(!written.includes(value), `the logs contain ${value}`);
  });

  test("--namespace lists and watches namespaced kinds under /namespaces/NAME only", async (t) => {
    const seed = [
      ...BASE_SEED,
      ingress("other", "foreign", "foreign.example.com"),
      service("other", "foreign"),
    ];
    const { api, source } = await startSource(t, seed, { namespace: "web" });
    assert.equal(source.name, "kube:web");
    assert.deepEqual(ingressNames(source), ["web/blog", "web/shop"]);
    assert.deepEqual(names(source.current().services), ["web/blog", "web/web"]);
    assert.deepEqual(
      names(source.current().ingressClasses),
      ["ingress-kit"],
      "IngressClasses are cluster-scoped",
    );
    await waitFor(() => api.watchCount() === 5, "five open watches");
    const paths = new Set(api.requests.map((r) => r.path));
    assert.deepEqual([...paths].sort(), [
      "/api/v1/namespaces/web/secrets",
      "/api/v1/namespaces/web/services",
      "/apis/discovery.k8s.io/v1/namespaces/web/endpointslices",
      "/apis/networking.k8s.io/v1/ingressclasses",
      "/apis/networking.k8s.io/v1/namespaces/web/ingresses",
    ]);
    api.create(ingress("other", "ignored", "ignored.example.com"));
    api.create(ingress("web", "seen", "seen.example.com"));
    await waitFor(() => ingressNames(source).includes("web/seen"), "the web Ingress");
    assert.deepEqual(ingressNames(source), ["web/blog", "web/seen", "web/shop"]);
  });

  test("a dropped watch resumes from the last resourceVersion without re-listing or losing objects", async (t) => {
    const { api, source, logs } = await startSource(t);
    await waitFor(() => api.watchCount() === 5, "five open watches");
    const lists = api.requests.filter((r) => r.query.watch === undefined).length;
    const ingressWatches = () => api.requestsTo("GET", "/ingresses").filter((r) => r.query.watch === "true");
    const watchesBefore = ingressWatches().length;
    api.create(ingress("web", "before-drop", "before.example.com"));
    await waitFor(() => ingressNames(source).includes("web/before-drop"), "the event before the drop");
    const seenVersion = api.latestResourceVersion;

    const release = api.holdLists(); // a re-list would hang: prove none happens
    api.dropWatches();
    // Changes while no watch is connected arrive through the resumed watch's replay.
    api.create(ingress("web", "during-drop", "during.example.com"));
    api.remove("Ingress", "web", "blog");
    const sampled: string[][] = [];
    await waitFor(() => {
      const current = ingressNames(source);
      sampled.push(current);
      return current.includes("web/during-drop") && !current.includes("web/blog");
    }, "the events replayed after the drop");
    release();

    assert.deepEqual(ingressNames(source), ["web/before-drop", "web/during-drop", "web/shop"]);
    assert.ok(
      sampled.every((s) => s.includes("web/shop")),
      "web/shop was served throughout",
    );
    assert.equal(api.requests.filter((r) => r.query.watch === undefined).length, lists, "no re-list");
    const resumed = ingressWatches().slice(watchesBefore);
    assert.ok(resumed.length >= 1);
    assert.equal(resumed[0]?.query.resourceVersion, String(seenVersion));
    assert.ok(logs.withCode(SourceCodes.WATCH_DISCONNECTED).length >= 1);
  });

  test("a BOOKMARK moves the resume point forward", async (t) => {
    const { api, logs } = await startSource(t);
    await waitFor(() => api.watchCount() === 5, "five open watches");
    api.create(service("web", "unrelated")); // moves the store's version past the Ingress watch's
    const bookmarkVersion = api.latestResourceVersion;
    const watchesBefore = api.requestsTo("GET", "/ingresses").length;
    api.bookmark();
    // A line after the bookmark on the same connection: once it is logged, the bookmark was applied.
    api.sendRaw("Ingress", "marker, not JSON");
    await waitFor(() => logs.withCode(SourceCodes.MALFORMED_EVENT).length === 1, "the marker line");
    api.dropWatches();
    await waitFor(() => api.requestsTo("GET", "/ingresses").length > watchesBefore, "the resumed watch");
    assert.equal(
      api.requestsTo("GET", "/ingresses")[watchesBefore]?.query.resourceVersion,
      String(bookmarkVersion),
    );
    const watches = api.requestsTo("GET", "/ingresses").filter((r) => r.query.watch === "true");
    assert.ok(watches.every((r) => r.query.allowWatchBookmarks === "true"));
  });

  test("410 Gone as an ERROR event re-lists, and the previous state serves until the new list is complete", async (t) => {
    const { api, source, logs, changes } = await startSource(t);
    await waitFor(() => api.watchCount() === 5, "five open watches");
    const before = stateNames(source.current());
    const listsBefore = api.requestsTo("GET", "/ingresses").filter((r) => r.query.watch === undefined).length;

    const release = api.holdLists();
    api.compact(); // every open watch gets {"type":"ERROR","object":{"code":410,...}}
    await waitFor(
      () =>
        api.requestsTo("GET", "/ingresses").filter((r) => r.query.watch === undefined).length > listsBefore,
      "the re-list request",
    );
    // Changes the old watches never saw; only the new list carries them.
    api.create(ingress("web", "after-gone", "after.example.com"));
    api.remove("Ingress", "web", "blog");
    api.remove("Service", "web", "blog");
    assert.deepEqual(stateNames(source.current()), before, "the old state serves while the list is held");
    release();

    // Every kind re-lists; the two that changed swap in their new objects.
    await waitFor(() => logs.withCode(SourceCodes.RELISTED).length === 5, "five re-lists");
    assert.deepEqual(stateNames(source.current()), {
      ...before,
      ingresses: ["web/after-gone", "web/shop"],
      services: ["web/web"],
    });
    assert.equal(changes(), 2, "one change per kind whose objects differ");
    assert.equal(logs.withCode(SourceCodes.WATCH_EXPIRED).length, 5, "one per kind");

    // Watching resumes from the new list's version: later events still arrive.
    api.create(ingress("web", "later", "later.example.com"));
    await waitFor(() => ingressNames(source).includes("web/later"), "an event after the re-list");
  });

  test("410 Gone as an HTTP status of the watch request re-lists too", async (t) => {
    const { api, source, logs } = await startSource(t, BASE_SEED, {}, { goneAs: "status" });
    await waitFor(() => api.watchCount() === 5, "five open watches");
    const lists = () => api.requestsTo("GET", "/ingresses").filter((r) => r.query.watch === undefined).length;
    const listsBefore = lists();
    // While the watches are down the history moves on and is compacted: resuming answers HTTP 410.
    api.dropWatches();
    api.create(ingress("web", "after-gone", "after.example.com"));
    api.compact();
    await waitFor(() => ingressNames(source).includes("web/after-gone"), "the re-listed state");
    assert.deepEqual(ingressNames(source), ["web/after-gone", "web/blog", "web/shop"]);
    assert.equal(lists(), listsBefore + 1, "one re-list of Ingresses");
    const gone = logs.withCode(SourceCodes.WATCH_EXPIRED).filter((l) => l.kind === "Ingress");
    assert.equal(gone.length, 1);
  });

  test("a watch that goes silent is dropped after the idle timeout and resumed", async (t) => {
    const { api, source, logs } = await startSource(t, BASE_SEED, { idleTimeoutMs: 300 });
    await waitFor(() => api.watchCount() === 5, "five open watches");
    api.stallWatches();
    api.create(ingress("web", "after-stall", "stall.example.com"));
    await waitFor(
      () => ingressNames(source).includes("web/after-stall"),
      "the event after the stalled watch",
    );
    const dropped = logs.withCode(SourceCodes.WATCH_DISCONNECTED).find((l) => l.kind === "Ingress");
    assert.match(
      String((dropped?.error as { message?: string }).message),
      /no data from the API server for 300 ms/,
    );
  });

  test("a server that answers every watch with 410 is re-listed with backoff, not in a tight loop", async (t) => {
    const { api, source } = await startSource(t, BASE_SEED, { backoff: { initialMs: 20, maxMs: 80 } });
    await waitFor(() => api.watchCount() === 5, "five open watches");
    const lists = () => api.requestsTo("GET", "/ingresses").filter((r) => r.query.watch === undefined).length;
    const before = lists();
    api.failWatches = 410;
    api.dropWatches();
    const startedAt = Date.now();
    await waitFor(() => lists() >= before + 5, "five re-lists");
    // Without backoff five list/watch rounds take a few ms; with it at least 10 + 20 + 40 + 40 ms.
    assert.ok(Date.now() - startedAt >= 100, `five re-lists took only ${Date.now() - startedAt} ms`);
    assert.deepEqual(ingressNames(source), ["web/blog", "web/shop"], "the objects keep serving");
  });

  test("a watch refused with 500 resumes from its resourceVersion with backoff, without re-listing", async (t) => {
    const { api, source, logs } = await startSource(t);
    await waitFor(() => api.watchCount() === 5, "five open watches");
    const lists = api.requests.filter((r) => r.query.watch === undefined).length;
    api.failWatches = 500;
    api.dropWatches();
    api.create(ingress("web", "while-down", "down.example.com"));
    await waitFor(
      () => logs.withCode(SourceCodes.WATCH_DISCONNECTED).filter((l) => l.kind === "Ingress").length >= 3,
      "three refused Ingress watches",
    );
    const attempts = logs.withCode(SourceCodes.WATCH_DISCONNECTED).filter((l) => l.kind === "Ingress");
    assert.deepEqual(
      attempts.slice(0, 3).map((l) => l.attempt),
      [1, 2, 3],
    );
    api.failWatches = undefined;
    await waitFor(() => ingressNames(source).includes("web/while-down"), "the event replayed after recovery");
    assert.equal(api.requests.filter((r) => r.query.watch === undefined).length, lists, "no re-list");
  });

  test("a malformed line or object in the watch stream is skipped and logged; the watch goes on", async (t) => {
    const { api, source, logs } = await startSource(t);
    await waitFor(() => api.watchCount("Ingress") === 1, "the Ingress watch");
    const watches = api.requestsTo("GET", "/ingresses").length;

    api.sendRaw("Ingress", "this is not JSON {");
    api.sendRaw("Ingress", JSON.stringify({ type: "ADDED", object: { kind: "Ingress", spec: {} } }));
    api.sendRaw(
      "Ingress",
      JSON.stringify({ type: "MODIFIED", object: { metadata: { name: "no-namespace" } } }),
    );
    api.sendRaw("Ingress", JSON.stringify({ hello: "world" }));
    api.create(ingress("web", "good", "good.example.com"));
    await waitFor(() => ingressNames(source).includes("web/good"), "the valid event after the bad ones");

    assert.deepEqual(ingressNames(source), ["web/blog", "web/good", "web/shop"]);
    assert.equal(logs.withCode(SourceCodes.MALFORMED_EVENT).length, 2);
    const objects = logs.withCode(SourceCodes.MALFORMED_OBJECT);
    assert.deepEqual(
      objects.map((l) => l.problem),
      ["metadata is missing", "metadata.namespace is missing"],
    );
    assert.ok(objects.every((l) => l.kind === "Ingress" && l.level === 40));
    assert.equal(api.requestsTo("GET", "/ingresses").length, watches, "the same watch connection carried on");
  });

  test("publishAddress writes status.loadBalancer through the status subresource only where it differs", async (t) => {
    const { api, source, logs } = await startSource(t);
    // web/blog already shows the address.
    const blog = api.get("Ingress", "web", "blog")!;
    api.update({ ...blog, status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } } });
    await waitFor(() => source.current().ingresses.some((i) => i.status !== undefined), "blog's status");

    const served = [
      { namespace: "web", name: "shop" },
      { namespace: "web", name: "blog" },
      { namespace: "web", name: "missing" },
    ];
    await source.publishAddress(served, { ip: "203.0.113.7" });
    const patches = api.requests.filter((r) => r.method === "PATCH" || r.method === "PUT");
    assert.deepEqual(
      patches.map((r) => [r.method, r.path, r.contentType]),
      [
        [
          "PATCH",
          "/apis/networking.k8s.io/v1/namespaces/web/ingresses/shop/status",
          "application/merge-patch+json",
        ],
      ],
    );
    assert.deepEqual(api.get("Ingress", "web", "shop")?.status, {
      loadBalancer: { ingress: [{ ip: "203.0.113.7" }] },
    });
    assert.equal(logs.withCode(SourceCodes.STATUS_WRITTEN).length, 1);

    // Called again before and after the watch echoes the new status: nothing more is written.
    await source.publishAddress(served, { ip: "203.0.113.7" });
    await waitFor(
      () => source.current().ingresses.find((i) => i.metadata?.name === "shop")?.status !== undefined,
      "the status echoed by the watch",
    );
    await source.publishAddress(served, { ip: "203.0.113.7" });
    assert.equal(api.requests.filter((r) => r.method === "PATCH").length, 1);

    // A new address is written to both.
    await source.publishAddress(served, { hostname: "lb.example.com" });
    assert.equal(api.requests.filter((r) => r.method === "PATCH").length, 3);
    assert.deepEqual(api.get("Ingress", "web", "blog")?.status, {
      loadBalancer: { ingress: [{ hostname: "lb.example.com" }] },
    });
  });

  test("a refused status write or Event is logged with its code, and the next publishAddress retries", async (t) => {
    const { api, source, logs } = await startSource(t);
    const served = [{ namespace: "web", name: "shop" }];
    api.failWrites = 503;
    await source.publishAddress(served, { ip: "203.0.113.7" });
    source.reportUnservable([{ namespace: "web", name: "shop", code: "ERR_X", message: "broken" }]);
    await waitFor(() => logs.withCode(SourceCodes.EVENT_WRITE_FAILED).length === 1, "the failed Event");
    const failed = logs.withCode(SourceCodes.STATUS_WRITE_FAILED);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.ingress, "web/shop");
    assert.equal((failed[0]?.error as { statusCode?: number }).statusCode, 503);
    assert.equal(api.get("Ingress", "web", "shop")?.status, undefined);

    api.failWrites = undefined;
    await source.publishAddress(served, { ip: "203.0.113.7" });
    assert.deepEqual(api.get("Ingress", "web", "shop")?.status, {
      loadBalancer: { ingress: [{ ip: "203.0.113.7" }] },
    });
  });

  test("reportUnservable emits one Warning Event and log line per Ingress and generation, not per snapshot", async (t) => {
    const { api, source, logs } = await startSource(t);
    const problem = {
      namespace: "web",
      name: "shop",
      code: "ERR_MISSING_SERVICE",
      message: 'Service "web/nope" does not exist',
    };
    source.reportUnservable([problem]);
    source.reportUnservable([problem]);
    source.reportUnservable([problem]);
    await waitFor(() => api.events.length === 1, "the Event");
    const event = api.events[0]!;
    assert.equal(event.type, "Warning");
    assert.equal(event.reason, "Unservable");
    assert.match(String(event.message), /ERR_MISSING_SERVICE/);
    assert.deepEqual(
      { ...(event.involvedObject as object), uid: undefined, resourceVersion: undefined },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        namespace: "web",
        name: "shop",
        uid: undefined,
        resourceVersion: undefined,
      },
    );
    assert.equal(
      (event.involvedObject as { uid?: string }).uid,
      api.get("Ingress", "web", "shop")?.metadata?.uid,
    );
    assert.equal(api.requestsTo("POST", "/api/v1/namespaces/web/events").length, 1);
    const lines = logs.withCode(SourceCodes.INGRESS_UNSERVABLE);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.ingress, "web/shop");
    assert.equal(lines[0]?.reason, "ERR_MISSING_SERVICE");

    // A new generation of the same Ingress is reported again.
    api.update(ingress("web", "shop", "shop2.example.com"));
    await waitFor(
      () => source.current().ingresses.some((i) => i.spec?.rules?.[0]?.host === "shop2.example.com"),
      "generation 2",
    );
    source.reportUnservable([problem]);
    source.reportUnservable([problem]);
    await waitFor(() => api.events.length === 2, "the second Event");
    assert.equal(logs.withCode(SourceCodes.INGRESS_UNSERVABLE).length, 2);

    // Servable again, then broken again: reported again.
    source.reportUnservable([]);
    source.reportUnservable([problem]);
    await waitFor(() => api.events.length === 3, "the third Event");
  });

  test("start() keeps retrying a refused list with backoff and rejects when stopped", async (t) => {
    const api = await FakeKubeApi.start();
    t.after(() => api.close());
    const logs = captureLogs();
    const source = new KubeSource({
      kubeConfig: api.kubeConfig("wrong-token"),
      logger: logs.logger,
      backoff: { initialMs: 10, maxMs: 40 },
    });
    const started = source.start();
    await waitFor(() => logs.withCode(SourceCodes.LIST_FAILED).length >= 10, "ten failed lists");
    const failure = logs.withCode(SourceCodes.LIST_FAILED)[0]!;
    assert.equal((failure.error as { statusCode?: number }).statusCode, 401);
    assert.equal(failure.level, 50);
    await source.stop();
    await assert.rejects(started, { code: "ERR_SOURCE_STOPPED" });
  });

  test("lists are paged with limit and continue", async (t) => {
    const seed = [ingressClass(), ...["a", "b", "c", "d", "e"].map((n) => service("web", n))];
    const { api, source } = await startSource(t, seed, { pageSize: 2 });
    assert.deepEqual(names(source.current().services), ["web/a", "web/b", "web/c", "web/d", "web/e"]);
    const pages = api.requestsTo("GET", "/services").filter((r) => r.query.watch === undefined);
    assert.equal(pages.length, 3);
    assert.ok(pages.every((r) => r.query.limit === "2"));
    assert.equal(pages[0]?.query.continue, undefined);
    assert.ok(pages[1]?.query.continue);
  });

  test("over HTTPS it verifies the API server against the kubeconfig's CA", async (t) => {
    const serverCert = makeCertificate("127.0.0.1", ["127.0.0.1"]);
    const { api, source } = await startSource(t, BASE_SEED, {}, { tls: serverCert });
    assert.ok(api.url.startsWith("https://"));
    assert.deepEqual(ingressNames(source), ["web/blog", "web/shop"]);
    api.create(ingress("web", "secure", "secure.example.com"));
    await waitFor(() => ingressNames(source).includes("web/secure"), "a watch event over TLS");

    // Another CA: the list fails the TLS handshake and is retried, never served unverified.
    const logs = captureLogs();
    const stranger = new KubeSource({
      kubeConfig: api.kubeConfig(undefined, makeCertificate("127.0.0.1", ["127.0.0.1"]).cert),
      logger: logs.logger,
      backoff: { initialMs: 10, maxMs: 40 },
    });
    const started = stranger.start();
    await waitFor(() => logs.withCode(SourceCodes.LIST_FAILED).length >= 1, "the refused handshake");
    await stranger.stop();
    await assert.rejects(started, { code: "ERR_SOURCE_STOPPED" });
    const failure = logs.withCode(SourceCodes.LIST_FAILED)[0]?.error as { code?: string };
    assert.match(String(failure.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });
});
