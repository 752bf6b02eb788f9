// Pulumi's Kubernetes provider waits for an Ingress to get a load balancer address (and a LoadBalancer Service to
// get one) before `pulumi up` moves on. Where no address will ever come (NodePort/ClusterIP gateways, clusters without
// a load balancer, controllers that do not publish status), the `pulumi.com/skipAwait` annotation turns that off.
// https://www.pulumi.com/registry/packages/kubernetes/api-docs/networking/v1/ingress/

/** The annotation that makes the Kubernetes provider skip its readiness await for one object. */
export const SKIP_AWAIT = "pulumi.com/skipAwait";

/**
 * Whether an Ingress must skip Pulumi's await: true unless its gateway's controller publishes a load balancer address
 * into Ingress status. `override` (HostRoute `skipAwait`) wins when set.
 */
export function ingressSkipsAwait(publishesAddress: boolean, override: boolean | undefined): boolean {
  return override ?? !publishesAddress;
}
