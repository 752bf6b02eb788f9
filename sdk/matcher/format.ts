// How the matcher prints objects, backends and values in messages: quoted, bounded, stable.
import type { IngressBackend, ObjectRef } from "./types";

const MAX_QUOTED = 120;

/** `namespace/name`. */
export function formatRef(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** A value in double quotes with control characters escaped, cut to a readable length. */
export function quote(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…(${text.length} characters)` : text;
  return JSON.stringify(cut);
}

/** `service namespace/name:port`, `resource group/Kind/name`, or `no backend`, for messages. */
export function formatBackend(backend: IngressBackend | undefined, namespace: string): string {
  const service = backend?.service;
  if (service) {
    const port = service.port?.number ?? service.port?.name ?? "?";
    return `service ${namespace}/${service.name ?? "?"}:${port}`;
  }
  const resource = backend?.resource;
  if (resource) {
    const group = resource.apiGroup ? `${resource.apiGroup}/` : "";
    return `resource ${group}${resource.kind ?? "?"}/${resource.name ?? "?"}`;
  }
  return "no backend";
}

/** Whether two backends (of Ingresses in the same namespace, or not) send traffic to the same place. */
export function sameBackend(
  a: IngressBackend | undefined,
  aNamespace: string,
  b: IngressBackend | undefined,
  bNamespace: string,
): boolean {
  return formatBackend(a, aNamespace) === formatBackend(b, bNamespace);
}

/** Sorts object references by namespace, then name. */
export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return a.namespace < b.namespace
    ? -1
    : a.namespace > b.namespace
      ? 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0;
}
