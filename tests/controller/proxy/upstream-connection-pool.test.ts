// The fast path's upstream keep-alive pool against real plain and TLS servers on 127.0.0.1: reuse, the idle
// budget that all TLS names of one endpoint share, and pools dropped once they hold no connection.
import assert from "node:assert/strict";
import { once } from "node:events";
import net, { type AddressInfo, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import tls from "node:tls";
import type { UpstreamEndpoint } from "../../../sdk/controller/backend-resolver";
import { UpstreamPools } from "../../../sdk/controller/proxy/upstream";
import { UpstreamConnectionPool } from "../../../sdk/controller/proxy/upstream-connection-pool";
import type { UpstreamConnection, UpstreamOwner } from "../../../sdk/controller/proxy/upstream-connection";
import { makeCertificate } from "../../helpers/certificates";

/** An owner that only waits for the connection (the pool's callers write requests; these tests need none). */
class WaitingOwner implements UpstreamOwner {
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  readonly connected = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  constructor() {
    // A connection lent already connected is never awaited: its later closing is not a failure to report.
    this.connected.catch(() => undefined);
  }
  onUpstreamConnect(): void {
    this.resolve();
  }
  onUpstreamData(): void {}
  onUpstreamEnd(): void {}
  onUpstreamFailure(error: Error): void {
    this.reject(error);
  }
  onUpstreamDrain(): void {}
}

/** A server that counts the connections it accepted and those still open, and records TLS names. */
interface CountingServer {
  server: Server;
  endpoint: UpstreamEndpoint;
  accepted: number;
  open: Set<Socket>;
  names: string[];
}

async function listen(secure: boolean): Promise<CountingServer> {
  const counting = { accepted: 0, open: new Set<Socket>(), names: [] as string[] } as CountingServer;
  const onSocket = (socket: Socket): void => {
    counting.accepted++;
    counting.open.add(socket);
    socket.on("close", () => counting.open.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = secure
    ? tls.createServer({ ...makeCertificate("upstream.test") }, (socket) => {
        counting.names.push(socket.servername || "");
        onSocket(socket);
      })
    : net.createServer(onSocket);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  counting.server = server;
  counting.endpoint = { address: "127.0.0.1", port, key: `127.0.0.1:${port}`, cookieId: "c" };
  return counting;
}

async function connected(
  pool: UpstreamConnectionPool,
  upstream: CountingServer,
  secure: boolean,
  servername = "",
): Promise<UpstreamConnection> {
  const owner = new WaitingOwner();
  const connection = pool.acquire(upstream.endpoint, secure, servername, 2_000, 5_000, owner);
  if (!connection.connected) await owner.connected;
  return connection;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("upstream connection pool", () => {
  let plain: CountingServer;
  let secure: CountingServer;
  const pools: UpstreamConnectionPool[] = [];
  const newPool = (
    options: ConstructorParameters<typeof UpstreamConnectionPool>[0],
  ): UpstreamConnectionPool => {
    const pool = new UpstreamConnectionPool(options);
    pools.push(pool);
    return pool;
  };

  before(async () => {
    plain = await listen(false);
    secure = await listen(true);
  });
  after(() => {
    for (const pool of pools) pool.close();
    for (const upstream of [plain, secure]) {
      for (const socket of upstream.open) socket.destroy();
      upstream.server.close();
    }
  });

  it("lends a released connection to the next request instead of connecting again", async () => {
    const pool = newPool({});
    const accepted = plain.accepted;
    const first = await connected(pool, plain, false);
    first.release(true);
    assert.equal(pool.idleCount(), 1);
    const second = await connected(pool, plain, false);
    assert.equal(second, first);
    assert.equal(plain.accepted - accepted, 1);
    second.release(false);
    assert.equal(pool.idleCount(), 0);
  });

  it("keeps one HTTPS pool per TLS name, each connection presenting its name", async () => {
    const pool = newPool({});
    const before = secure.names.length;
    const a = await connected(pool, secure, true, "a.example.com");
    const b = await connected(pool, secure, true, "b.example.com");
    a.release(true);
    b.release(true);
    // (The server finishes its side of a TLS 1.3 handshake after the client.)
    await until(() => secure.names.length === before + 2, "the server to see both handshakes");
    assert.deepEqual(secure.names.slice(before), ["a.example.com", "b.example.com"]);
    assert.equal(pool.poolCount(), 2);
    // Each name gets its own connection back, never the other name's.
    assert.equal(await connected(pool, secure, true, "b.example.com"), b);
    assert.equal(await connected(pool, secure, true, "a.example.com"), a);
  });

  it("bounds the idle connections of all of an endpoint's TLS names together", async () => {
    const pool = newPool({ maxIdlePerEndpoint: 3 });
    const names = Array.from({ length: 8 }, (_, i) => `host-${i}.wild.example.com`);
    const connections = await Promise.all(names.map((name) => connected(pool, secure, true, name)));
    for (const connection of connections) connection.release(true);
    // Eight names, eight connections made, three kept: the other five are closed, not parked per name.
    assert.equal(pool.idleCount(), 3);
    await until(() => connections.filter((c) => c.socket.destroyed).length === 5, "five connections closed");
    // A connection closed while idle frees its place in the budget.
    const kept = connections.filter((c) => !c.socket.destroyed);
    kept[0]!.socket.destroy();
    await until(() => pool.idleCount() === 2, "the closed idle connection leaving the pool");
    const another = await connected(pool, secure, true, "another.wild.example.com");
    another.release(true);
    assert.equal(pool.idleCount(), 3);
  });

  it("drops a name's pool once its connections have closed, so client-chosen names do not pile up", async () => {
    const pool = newPool({ keepAliveTimeoutMs: 1_500 });
    const names = Array.from({ length: 20 }, (_, i) => `n${i}.wild.example.com`);
    const connections = await Promise.all(names.map((name) => connected(pool, secure, true, name)));
    for (const connection of connections) connection.release(true);
    assert.equal(pool.poolCount(), 20);
    // The sweep closes the expired idle connections, then drops the pools left empty.
    await until(() => pool.idleCount() === 0 && pool.poolCount() === 0, "idle pools to be dropped", 10_000);
  });

  it("keeps a pool whose connection is in use, and takes that connection back when released", async () => {
    const pool = newPool({ keepAliveTimeoutMs: 100 });
    const busy = await connected(pool, secure, true, "busy.example.com");
    await new Promise((resolve) => setTimeout(resolve, 350)); // several sweeps
    assert.equal(pool.poolCount(), 1);
    busy.release(true);
    assert.equal(pool.idleCount(), 1);
    assert.equal(await connected(pool, secure, true, "busy.example.com"), busy);
  });
});

describe("upstream pools of the node engine (undici)", () => {
  it("drops pools left without connections and keeps those with a request in flight", async () => {
    const upstream = await listen(true); // accepts TLS, never answers: a request stays in flight
    const pools = new UpstreamPools({ keepAliveTimeoutMs: 100 });
    try {
      for (let i = 0; i < 10; i++) pools.get(upstream.endpoint, true, 2_000, `n${i}.wild.example.com`);
      const busy = pools.get(upstream.endpoint, true, 2_000, "busy.example.com");
      const inFlight = busy
        .request({ method: "GET", path: "/", headersTimeout: 10_000 })
        .catch(() => undefined);
      await until(() => upstream.names.includes("busy.example.com"), "the busy pool's connection");
      assert.equal(pools.size, 11);
      await until(() => pools.size === 1, "the unused pools to be dropped");
      assert.equal(pools.get(upstream.endpoint, true, 2_000, "busy.example.com"), busy);
      pools.close();
      await inFlight;
    } finally {
      pools.close();
      for (const socket of upstream.open) socket.destroy();
      upstream.server.close();
    }
  });
});
