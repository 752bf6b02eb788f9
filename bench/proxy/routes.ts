// The routes every proxy under test serves, and what the upstreams answer. Three hosts with two Prefix paths
// each (`/` and `/api`), all to one service of two endpoints (round robin); unknown hosts get a 404. The two
// endpoints listen on the same port of 127.0.0.1 and 127.0.0.2 (one EndpointSlice, as two pods of a Service
// would be); each answers `upstream-N` on every path, and a 16 KiB body (starting with its name) on `/big`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const HOSTS = ["shop.example.com", "api.example.com", "www.example.com"] as const;
/** The host the load goes to. */
export const LOAD_HOST = HOSTS[0];
export const PREFIXES = ["/", "/api"] as const;

/** The endpoints' addresses (Linux answers on all of 127.0.0.0/8). */
export const UPSTREAM_ADDRESSES = ["127.0.0.1", "127.0.0.2"] as const;
export const UPSTREAM_COUNT = UPSTREAM_ADDRESSES.length;

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}
export const BIG_PATH = "/big";
export const BIG_BYTES = 16 * 1024;

export type BodySize = "small" | "16k";
export const BODY_SIZES: readonly BodySize[] = ["small", "16k"];

/** The request path for a body size. */
export const pathFor = (body: BodySize): string => (body === "small" ? "/" : BIG_PATH);

export const upstreamName = (index: number): string => `upstream-${index + 1}`;
export const smallBody = (index: number): string => `${upstreamName(index)}\n`;

/** The 16 KiB body of endpoint `index`: its name, then filler, BIG_BYTES in all. */
export function bigBody(index: number): Buffer {
  const body = Buffer.alloc(BIG_BYTES, "x");
  body.write(`${upstreamName(index)}\n`);
  body[BIG_BYTES - 1] = 0x0a;
  return body;
}

/** Writes `big-N.txt` for every endpoint into `<dir>/static` and returns that folder (for NGINX's `alias`). */
export function writeBigBodies(dir: string): string {
  const folder = join(dir, "static");
  mkdirSync(folder, { recursive: true, mode: 0o755 });
  for (let i = 0; i < UPSTREAM_COUNT; i++) {
    writeFileSync(join(folder, `big-${i + 1}.txt`), bigBody(i), { mode: 0o644 });
  }
  return folder;
}
