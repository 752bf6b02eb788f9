// Which address goes into `status.loadBalancer` of the Ingresses the controller serves: a fixed IP or hostname
// (--publish-address), or the load balancer address of the controller's own Service (--publish-service
// namespace/name, read from the same ClusterState). Published after every snapshot swap; the source skips
// Ingresses that already carry it.
import { isIP } from "node:net";
import type { Logger } from "pino";
import type { Snapshot } from "./snapshot";
import type { ClusterState } from "./sources/objects";
import type { LoadBalancerAddress, ObjectSource } from "./sources/source";

export interface PublishOptions {
  /** A fixed IP address or hostname. Wins over `service`. */
  address?: string;
  /** "namespace/name" of the Service whose `status.loadBalancer.ingress[0]` is published. */
  service?: string;
}

/** The address to publish now, or null when there is none (yet). */
export function addressToPublish(options: PublishOptions, state: ClusterState): LoadBalancerAddress | null {
  if (options.address) return isIP(options.address) ? { ip: options.address } : { hostname: options.address };
  if (!options.service) return null;
  const [namespace, name] = options.service.split("/");
  const service = state.services.find(
    (s) => s?.metadata?.namespace === namespace && s.metadata?.name === name,
  ) as { status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } } | undefined;
  const first = service?.status?.loadBalancer?.ingress?.[0];
  if (first?.ip) return { ip: first.ip };
  if (first?.hostname) return { hostname: first.hostname };
  return null;
}

export function publishAfterSwap(
  source: ObjectSource,
  options: PublishOptions,
  logger: Logger,
): ((snapshot: Snapshot) => void) | null {
  if (!source.publishAddress || (!options.address && !options.service)) return null;
  let last = "";
  return (snapshot) => {
    const address = addressToPublish(options, source.current());
    if (!address) {
      if (last !== "none") {
        logger.info({ service: options.service }, "no load balancer address to publish yet");
      }
      last = "none";
      return;
    }
    last = JSON.stringify(address);
    source.publishAddress!(snapshot.table.ingresses, address).catch((error: unknown) =>
      logger.error({ err: error }, "publishing the load balancer address failed"),
    );
  };
}
