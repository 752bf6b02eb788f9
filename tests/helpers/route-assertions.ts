// What table-driven routing tests compare: the backend serving a request, written as `service:port`,
// `resource Kind/name`, or null when nothing serves it.
import type { RouteTable } from "../../sdk/matcher";

export function servedBy(table: RouteTable, host: string, path: string): string | null {
  const route = table.match(host, path);
  if (route === null) return null;
  const { service, resource } = route.backend;
  if (resource !== undefined) return `resource ${resource.kind}/${resource.name}`;
  return `${service?.name}:${service?.port?.number ?? service?.port?.name}`;
}
