// What the benchmark needs of a running proxy under test, whichever it is.

/** "controller-node" is the controller with `--http-engine node` (the node:http engine), when it has the flag. */
export type ProxyKind = "nginx" | "haproxy" | "controller" | "controller-node";
export const PROXY_KINDS: readonly ProxyKind[] = ["nginx", "haproxy", "controller", "controller-node"];

export interface ProxyUnderTest {
  readonly kind: ProxyKind;
  /** Name and version, e.g. "NGINX 1.22.1". */
  readonly label: string;
  /** Worker processes (NGINX, the controller) or threads (HAProxy). */
  readonly workers: number;
  readonly workerNoun: "workers" | "threads";
  /** Its listeners on 127.0.0.1. */
  readonly ports: { readonly plain: number; readonly tls: number };
  /** The process (group leader) started. */
  readonly pid: number;
  stop(): Promise<void>;
}
