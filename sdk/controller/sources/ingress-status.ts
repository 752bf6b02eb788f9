// `status.loadBalancer.ingress` of the Ingresses the controller serves: what it should be, whether it already
// is, and the merge patch that writes it. JSON merge patch replaces the whole list, which is what we want.
import type { LoadBalancerAddress } from "./source";

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

/** The `status.loadBalancer.ingress` list for `address`: one entry, or none when the address is empty. */
export function buildLoadBalancerIngress(address: LoadBalancerAddress): LoadBalancerIngress[] {
  const entry: LoadBalancerIngress = {};
  if (address.ip) entry.ip = address.ip;
  if (address.hostname) entry.hostname = address.hostname;
  return entry.ip || entry.hostname ? [entry] : [];
}

/** Whether the Ingress's status already lists exactly `entries` (ports and other fields ignored). */
export function hasLoadBalancerIngress(ingress: object, entries: readonly LoadBalancerIngress[]): boolean {
  const status = (ingress as { status?: unknown }).status as
    { loadBalancer?: { ingress?: unknown } } | undefined;
  const current = status?.loadBalancer?.ingress;
  const list = Array.isArray(current) ? (current as LoadBalancerIngress[]) : [];
  if (list.length !== entries.length) return false;
  return list.every((item, i) => item?.ip === entries[i]?.ip && item?.hostname === entries[i]?.hostname);
}

/** The JSON merge patch (`application/merge-patch+json`) of the status subresource. */
export function buildStatusPatch(entries: readonly LoadBalancerIngress[]) {
  return { status: { loadBalancer: { ingress: entries.map((e) => ({ ...e })) } } };
}
