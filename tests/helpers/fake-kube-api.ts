// An in-process Kubernetes API server on 127.0.0.1 for tests: real HTTP, the real list/watch protocol.
//
// It serves core/v1 Services, Secrets and Events, networking.k8s.io/v1 Ingresses (with the status subresource)
// and IngressClasses, discovery.k8s.io/v1 EndpointSlices and events.k8s.io/v1 Events:
// - list: `GET /api/v1/services`, `GET /apis/networking.k8s.io/v1/namespaces/web/ingresses?limit=2&continue=...`
//   answers a `<Kind>List` with `metadata.resourceVersion`; items carry no apiVersion/kind, as the API sends them.
// - watch: `?watch=true&resourceVersion=N&allowWatchBookmarks=true&timeoutSeconds=S` replays every change after N,
//   then streams newline-delimited JSON events; a resourceVersion older than the last `compact()` is answered
//   with an ERROR event of code 410 (what the API server does), or with HTTP 410 in `goneAs: "status"` mode.
// - `fieldSelector=type=kubernetes.io/tls` on Secrets; `PUT`/`PATCH` (merge patch) of `.../ingresses/NAME/status`;
//   `POST .../events`. Every request needs `Authorization: Bearer <token>`.
// Tests drive it: create/update/remove objects, drop watch connections, inject raw lines, compact history,
// hold list answers, and read back the requests, statuses and events it received.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

export interface FakeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    generation?: number;
    creationTimestamp?: string;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly body?: unknown;
}

interface ResourceType {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const RESOURCE_TYPES: readonly ResourceType[] = [
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", plural: "ingresses", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", plural: "ingressclasses", namespaced: false },
  { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true },
  { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  { apiVersion: "events.k8s.io/v1", kind: "Event", plural: "events", namespaced: true },
];

interface HistoryEntry {
  readonly resourceVersion: number;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly resource: ResourceType;
  readonly object: FakeObject;
}

interface OpenWatch {
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly fieldSelector?: string;
  readonly bookmarks: boolean;
  readonly res: http.ServerResponse;
}

export interface FakeKubeApiOptions {
  /** The bearer token every request must carry; default `fake-token`. */
  readonly token?: string;
  /** How a watch from a compacted resourceVersion is refused: an ERROR event (default) or HTTP 410. */
  readonly goneAs?: "event" | "status";
  /** Serve HTTPS with this certificate (for 127.0.0.1) and key, PEM; `kubeConfig()` then trusts it as its CA. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export class FakeKubeApi {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every Event POSTed (core/v1 or events.k8s.io/v1). */
  readonly events: FakeObject[] = [];
  goneAs: "event" | "status";
  /** When set, every write (POST, PUT, PATCH) is refused with this HTTP status. */
  failWrites: number | undefined;
  /** When set, every watch request is refused with this HTTP status (410 answers as for a compacted version). */
  failWatches: number | undefined;

  private readonly server: http.Server | https.Server;
  private readonly token: string;
  private readonly tls: FakeKubeApiOptions["tls"];
  private readonly objects = new Map<string, Map<string, FakeObject>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly stalled = new Set<http.ServerResponse>();
  private resourceVersion = 1000;
  private compactedVersion = 0;
  private listGate: Promise<void> | undefined;

  private constructor(options: FakeKubeApiOptions) {
    this.token = options.token ?? "fake-token";
    this.goneAs = options.goneAs ?? "event";
    this.tls = options.tls;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendStatus(res, 500, "InternalError", String(error));
        else res.destroy();
      });
    };
    this.server = options.tls
      ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
      : http.createServer(handler);
  }

  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(options);
    await new Promise<void>((resolve, reject) => {
      api.server.once("error", reject);
      api.server.listen(0, "127.0.0.1", () => resolve());
    });
    return api;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `${this.tls ? "https" : "http"}://127.0.0.1:${port}`;
  }

  /**
   * A client-node KubeConfig pointing at this server with its token. Over HTTPS it trusts `ca` (default: the
   * server's own certificate); over plain HTTP client-node insists on skipTLSVerify.
   */
  kubeConfig(token = this.token, ca = this.tls?.cert): KubeConfig {
    const config = new KubeConfig();
    const cluster = this.tls
      ? {
          name: "fake",
          server: this.url,
          caData: Buffer.from(ca ?? "").toString("base64"),
          skipTLSVerify: false,
        }
      : { name: "fake", server: this.url, skipTLSVerify: true };
    config.loadFromOptions({
      clusters: [cluster],
      users: [{ name: "fake", token }],
      contexts: [{ name: "fake", cluster: "fake", user: "fake" }],
      currentContext: "fake",
    });
    return config;
  }

  /** The current resourceVersion of the whole store (like etcd's revision). */
  get latestResourceVersion(): number {
    return this.resourceVersion;
  }

  /** Creates an object (its kind picks the resource); fills in uid, resourceVersion, generation. */
  create(object: FakeObject): FakeObject {
    const resource = resourceOf(object);
    const key = keyOf(resource, object);
    if (this.bucket(resource).has(key)) throw new Error(`${object.kind} ${key} already exists`);
    const stored = structuredClone(object);
    stored.apiVersion = resource.apiVersion;
    stored.metadata = {
      ...stored.metadata,
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, this.resourceVersion % 60)).toISOString(),
      resourceVersion: String(++this.resourceVersion),
    };
    this.bucket(resource).set(key, stored);
    this.record("ADDED", resource, stored);
    return stored;
  }

  /** Replaces an object's content (not its status unless given); bumps generation when `spec` changed. */
  update(object: FakeObject): FakeObject {
    const resource = resourceOf(object);
    const key = keyOf(resource, object);
    const previous = this.bucket(resource).get(key);
    if (!previous) throw new Error(`${object.kind} ${key} does not exist`);
    const stored = structuredClone(object);
    stored.apiVersion = resource.apiVersion;
    if (stored.status === undefined && previous.status !== undefined) stored.status = previous.status;
    const specChanged = JSON.stringify(stored.spec) !== JSON.stringify(previous.spec);
    stored.metadata = {
      ...stored.metadata,
      uid: previous.metadata?.uid,
      creationTimestamp: previous.metadata?.creationTimestamp,
      generation: (previous.metadata?.generation ?? 1) + (specChanged ? 1 : 0),
      resourceVersion: String(++this.resourceVersion),
    };
    this.bucket(resource).set(key, stored);
    this.record("MODIFIED", resource, stored);
    return stored;
  }

  remove(kind: string, namespace: string | undefined, name: string): void {
    const resource = resourceOf({ kind });
    const key = keyOf(resource, { metadata: { namespace, name } });
    const previous = this.bucket(resource).get(key);
    if (!previous) throw new Error(`${kind} ${key} does not exist`);
    this.bucket(resource).delete(key);
    const gone = structuredClone(previous);
    gone.metadata = { ...gone.metadata, resourceVersion: String(++this.resourceVersion) };
    this.record("DELETED", resource, gone);
  }

  get(kind: string, namespace: string | undefined, name: string): FakeObject | undefined {
    const resource = resourceOf({ kind });
    return this.bucket(resource).get(keyOf(resource, { metadata: { namespace, name } }));
  }

  /** Every stored object of `kind`. */
  objectsOf(kind: string): FakeObject[] {
    return [...this.bucket(resourceOf({ kind })).values()];
  }

  /** Open watch connections, optionally of one kind. */
  watchCount(kind?: string): number {
    return [...this.watches].filter((w) => kind === undefined || w.resource.kind === kind).length;
  }

  /** Destroys every open watch connection mid-stream, as a failing load balancer would. */
  dropWatches(): void {
    for (const watch of this.watches) watch.res.socket?.destroy();
    this.watches.clear();
  }

  /**
   * Leaves every open watch connection open but silent from now on, as a half-dead TCP connection behind a
   * NAT or load balancer would: later changes reach only watches opened afterwards.
   */
  stallWatches(): void {
    for (const watch of this.watches) this.stalled.add(watch.res);
    this.watches.clear();
  }

  /** Writes a raw line (anything, even not JSON) to the open watches of `kind`. */
  sendRaw(kind: string, line: string): void {
    for (const watch of this.watches) if (watch.resource.kind === kind) watch.res.write(`${line}\n`);
  }

  /**
   * Forgets the history up to now, like etcd compaction: a watch or a list continuation from an older
   * resourceVersion gets 410 Gone. Open watches receive the ERROR 410 event and are closed, as the API
   * server does when its watch cache falls behind.
   */
  compact(): void {
    this.compactedVersion = this.resourceVersion;
    this.history.length = 0;
    for (const watch of this.watches) {
      if (this.goneAs === "event") {
        watch.res.end(`${JSON.stringify({ type: "ERROR", object: goneStatus(this.resourceVersion) })}\n`);
      } else {
        watch.res.end();
      }
    }
    this.watches.clear();
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that allowed bookmarks. */
  bookmark(): void {
    for (const watch of this.watches) {
      if (!watch.bookmarks) continue;
      const object = {
        apiVersion: watch.resource.apiVersion,
        kind: watch.resource.kind,
        metadata: { resourceVersion: String(this.resourceVersion) },
      };
      watch.res.write(`${JSON.stringify({ type: "BOOKMARK", object })}\n`);
    }
  }

  /** Holds every list answer until the returned function is called. */
  holdLists(): () => void {
    let release!: () => void;
    this.listGate = new Promise((resolve) => (release = resolve));
    return () => {
      this.listGate = undefined;
      release();
    };
  }

  /** Requests of one method whose path ends with `suffix`. */
  requestsTo(method: string, suffix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.endsWith(suffix));
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.res.destroy();
    for (const res of this.stalled) res.destroy();
    this.watches.clear();
    this.stalled.clear();
    this.listGate = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private bucket(resource: ResourceType): Map<string, FakeObject> {
    const id = `${resource.apiVersion}/${resource.plural}`;
    let bucket = this.objects.get(id);
    if (!bucket) this.objects.set(id, (bucket = new Map()));
    return bucket;
  }

  private record(type: HistoryEntry["type"], resource: ResourceType, object: FakeObject): void {
    const entry = { resourceVersion: this.resourceVersion, type, resource, object };
    this.history.push(entry);
    for (const watch of this.watches) {
      if (watchSees(watch, entry)) watch.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readBody(req);
    const contentType = req.headers["content-type"];
    let parsed: unknown;
    if (body !== "") {
      try {
        parsed = JSON.parse(body);
      } catch {
        return sendStatus(res, 400, "BadRequest", "the request body is not JSON");
      }
    }
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(contentType === undefined ? {} : { contentType }),
      ...(parsed === undefined ? {} : { body: parsed }),
    });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return sendStatus(res, 401, "Unauthorized", "Unauthorized");
    }
    if (this.failWrites !== undefined && req.method !== "GET") {
      return sendStatus(res, this.failWrites, "ServiceUnavailable", "the fake refuses writes");
    }
    const route = parsePath(url.pathname);
    if (!route) return sendStatus(res, 404, "NotFound", `the server could not find ${url.pathname}`);
    const { resource, namespace, name, subresource } = route;
    if (req.method === "GET" && name === undefined) {
      if (url.searchParams.get("watch") === "true") {
        if (this.failWatches !== undefined) {
          const reason = this.failWatches === 410 ? "Expired" : "InternalError";
          return sendStatus(res, this.failWatches, reason, "the fake refuses watches");
        }
        return this.watch(resource, namespace, url.searchParams, res);
      }
      return this.list(resource, namespace, url.searchParams, res);
    }
    if (req.method === "GET" && name !== undefined && subresource === undefined) {
      const object = this.bucket(resource).get(keyOf(resource, { metadata: { namespace, name } }));
      if (!object) return sendStatus(res, 404, "NotFound", `${resource.plural} "${name}" not found`);
      return sendJson(res, 200, object);
    }
    if (resource.kind === "Event" && req.method === "POST" && name === undefined) {
      const event = (parsed ?? {}) as FakeObject;
      const meta = event.metadata ?? {};
      const generated = meta.name ?? `${String(meta.generateName ?? "event.")}${randomUUID().slice(0, 8)}`;
      event.metadata = {
        ...meta,
        name: generated,
        namespace,
        resourceVersion: String(++this.resourceVersion),
      };
      this.events.push(event);
      return sendJson(res, 201, event);
    }
    if (resource.kind === "Ingress" && subresource === "status" && name !== undefined) {
      if (req.method === "PATCH" || req.method === "PUT") {
        return this.writeStatus(req.method, resource, namespace, name, contentType, parsed, res);
      }
    }
    return sendStatus(
      res,
      405,
      "MethodNotAllowed",
      `${req.method} ${url.pathname} is not supported by the fake`,
    );
  }

  private async list(
    resource: ResourceType,
    namespace: string | undefined,
    query: URLSearchParams,
    res: http.ServerResponse,
  ): Promise<void> {
    if (this.listGate) await this.listGate;
    if (res.destroyed) return;
    let offset = 0;
    let listVersion = this.resourceVersion;
    const token = query.get("continue");
    if (token) {
      const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
        rv: number;
        offset: number;
      };
      if (decoded.rv < this.compactedVersion) {
        return sendStatus(res, 410, "Expired", "The provided continue parameter is too old");
      }
      offset = decoded.offset;
      listVersion = decoded.rv;
    }
    const all = [...this.bucket(resource).values()]
      .filter((object) => matches(resource, object, namespace, query.get("fieldSelector") ?? undefined))
      .sort((a, b) => keyOf(resource, a).localeCompare(keyOf(resource, b)));
    const limit = Number(query.get("limit") ?? "0");
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next = limit > 0 && offset + limit < all.length ? offset + limit : undefined;
    const metadata: Record<string, string> = { resourceVersion: String(listVersion) };
    if (next !== undefined) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: listVersion, offset: next })).toString(
        "base64url",
      );
    }
    // The API omits apiVersion and kind on list items.
    const items = page.map(({ apiVersion: _apiVersion, kind: _kind, ...rest }) => rest);
    sendJson(res, 200, { apiVersion: resource.apiVersion, kind: `${resource.kind}List`, metadata, items });
  }

  private watch(
    resource: ResourceType,
    namespace: string | undefined,
    query: URLSearchParams,
    res: http.ServerResponse,
  ): void {
    const from = query.get("resourceVersion") ?? "";
    const fieldSelector = query.get("fieldSelector") ?? undefined;
    if (from !== "" && from !== "0" && Number(from) < this.compactedVersion) {
      if (this.goneAs === "status") {
        return sendStatus(res, 410, "Expired", `too old resource version: ${from}`);
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(`${JSON.stringify({ type: "ERROR", object: goneStatus(Number(from)) })}\n`);
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    const watch: OpenWatch = {
      resource,
      namespace,
      fieldSelector,
      bookmarks: query.get("allowWatchBookmarks") === "true",
      res,
    };
    if (from === "" || from === "0") {
      for (const object of this.bucket(resource).values()) {
        if (matches(resource, object, namespace, fieldSelector)) {
          res.write(`${JSON.stringify({ type: "ADDED", object })}\n`);
        }
      }
    } else {
      for (const entry of this.history) {
        if (entry.resourceVersion > Number(from) && watchSees(watch, entry)) {
          res.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
        }
      }
    }
    this.watches.add(watch);
    const timeoutSeconds = Number(query.get("timeoutSeconds") ?? "0");
    const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
    res.on("close", () => {
      clearTimeout(timer);
      this.watches.delete(watch);
    });
  }

  private writeStatus(
    method: "PATCH" | "PUT",
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string | undefined,
    body: unknown,
    res: http.ServerResponse,
  ): void {
    const key = keyOf(resource, { metadata: { namespace, name } });
    const previous = this.bucket(resource).get(key);
    if (!previous) return sendStatus(res, 404, "NotFound", `ingresses.networking.k8s.io "${name}" not found`);
    const input = (body ?? {}) as FakeObject;
    let status: unknown;
    if (method === "PUT") {
      const expected = input.metadata?.resourceVersion;
      if (expected !== undefined && expected !== previous.metadata?.resourceVersion) {
        return sendStatus(
          res,
          409,
          "Conflict",
          `the object has been modified; please apply your changes again`,
        );
      }
      status = input.status;
    } else {
      if (contentType !== "application/merge-patch+json") {
        return sendStatus(
          res,
          415,
          "UnsupportedMediaType",
          `the fake takes merge patches, not ${contentType}`,
        );
      }
      status = mergePatch(previous.status, input.status);
    }
    const stored = structuredClone(previous);
    stored.status = status;
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.resourceVersion) };
    this.bucket(resource).set(key, stored);
    this.record("MODIFIED", resource, stored);
    sendJson(res, 200, stored);
  }
}

function resourceOf(object: { kind?: string }): ResourceType {
  const resource = RESOURCE_TYPES.find((r) => r.kind === object.kind);
  if (!resource) throw new Error(`the fake API does not serve kind ${String(object.kind)}`);
  return resource;
}

function keyOf(resource: ResourceType, object: FakeObject): string {
  const name = object.metadata?.name ?? "";
  return resource.namespaced ? `${object.metadata?.namespace ?? "default"}/${name}` : name;
}

function matches(
  resource: ResourceType,
  object: FakeObject,
  namespace: string | undefined,
  fieldSelector: string | undefined,
): boolean {
  if (resource.namespaced && namespace !== undefined && object.metadata?.namespace !== namespace) {
    return false;
  }
  if (fieldSelector) {
    for (const term of fieldSelector.split(",")) {
      const [field, value] = term.split("=");
      if (field === "type" && object.type !== value) return false;
      if (field === "metadata.name" && object.metadata?.name !== value) return false;
    }
  }
  return true;
}

function watchSees(watch: OpenWatch, entry: HistoryEntry): boolean {
  return (
    entry.resource.apiVersion === watch.resource.apiVersion &&
    entry.resource.plural === watch.resource.plural &&
    matches(watch.resource, entry.object, watch.namespace, watch.fieldSelector)
  );
}

function parsePath(
  path: string,
): { resource: ResourceType; namespace?: string; name?: string; subresource?: string } | undefined {
  const match =
    /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
      path,
    );
  if (!match) return undefined;
  const [, core, group, version, namespace, plural, name, subresource] = match;
  const apiVersion = core ?? `${group}/${version}`;
  const resource = RESOURCE_TYPES.find((r) => r.apiVersion === apiVersion && r.plural === plural);
  if (!resource) return undefined;
  if (!resource.namespaced && namespace !== undefined) return undefined;
  const decode = (part: string | undefined) => (part === undefined ? undefined : decodeURIComponent(part));
  return { resource, namespace: decode(namespace), name: decode(name), subresource: decode(subresource) };
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function goneStatus(resourceVersion: number) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `too old resource version: ${resourceVersion}`,
    reason: "Expired",
    code: 410,
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: http.ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendStatus(res: http.ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  });
}
