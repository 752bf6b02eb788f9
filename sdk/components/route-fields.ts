// The matcher names fields of the Ingress it checks (`spec.rules[0].http.paths[1].path`); a HostRoute's messages
// name the route's own arguments (`paths[1].path`).

/** `spec.rules[0].http.paths[1].backend.service.port` → `paths[1].service.port`, for messages. */
export function routeFieldOf(matcherField: string): string {
  return matcherField
    .replace(/^spec\.rules\[\d+\]\.host$/, "host")
    .replace(/^spec\.rules\[\d+\]\.http\.paths\[(\d+)\]\.backend\.service/, "paths[$1].service")
    .replace(/^spec\.rules\[\d+\]\.http\.paths\[(\d+)\]/, "paths[$1]")
    .replace(/^spec\.tls.*$/, "tls");
}
