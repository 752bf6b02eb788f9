// An established tunnel (after the upstream's 101): bytes piped both ways until either side closes, or until no
// byte has flowed either way for the idle timeout. ingress-nginx closes idle WebSockets the same way after
// proxy-read-timeout; without it a peer that vanished without a FIN (a NAT that forgot the flow, a suspended
// laptop) would hold two sockets forever.
import type { Duplex } from "node:stream";

/** Why a tunnel closed: a side closed or failed, or nothing flowed for the idle timeout. */
export type TunnelEnd = "closed" | "idle";

export interface TunnelOptions {
  /** Both sides close when no byte has flowed either way for this long, ms. */
  idleTimeoutMs: number;
  /** Called once, when the tunnel has closed. */
  onClose(end: TunnelEnd): void;
}

export function openTunnel(client: Duplex, upstream: Duplex, options: TunnelOptions): void {
  let closed = false;
  // One timer per tunnel, re-armed for the time left rather than reset on every chunk: a chunk costs one
  // Date.now(), not a timer operation.
  let lastActivity = Date.now();
  const touch = (): void => {
    lastActivity = Date.now();
  };
  const close = (end: TunnelEnd): void => {
    if (closed) return;
    closed = true;
    clearTimeout(idleTimer);
    client.destroy();
    upstream.destroy();
    options.onClose(end);
  };
  const checkIdle = (): void => {
    const idleFor = Date.now() - lastActivity;
    if (idleFor >= options.idleTimeoutMs) close("idle");
    else idleTimer = setTimeout(checkIdle, options.idleTimeoutMs - idleFor);
  };
  let idleTimer = setTimeout(checkIdle, options.idleTimeoutMs);

  const closedBySide = (): void => close("closed");
  upstream.on("error", closedBySide);
  upstream.on("close", closedBySide);
  client.on("error", closedBySide);
  client.on("close", closedBySide);
  // Bytes read on one side are the bytes written to the other: reads alone see every byte that flows.
  client.on("data", touch);
  upstream.on("data", touch);
  // When one side finishes, flush what it sent to the other and close the tunnel (as NGINX does): the
  // listeners allow half-open sockets, and a peer that never ends its side would keep the tunnel forever.
  client.once("end", () => upstream.end(closedBySide));
  upstream.once("end", () => client.end(closedBySide));
  upstream.pipe(client);
  client.pipe(upstream);
}
