// Sorting what the CLI read into Ingresses, IngressClasses and everything else, with where each came from.
import { ingressRef, type IngressObject, type ObjectRef } from "../matcher";
import type { ManifestObject } from "./manifest-input";

export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

export interface LocatedIngress {
  readonly ingress: IngressObject;
  readonly ref: ObjectRef;
  readonly file: string;
  readonly line: number;
  /** The line of a field of this Ingress, e.g. `spec.rules[0].host`. */
  readonly lineOf: (fieldPath: string) => number;
}

export interface IgnoredObject {
  readonly kind: string;
  readonly ref: ObjectRef;
  readonly file: string;
  readonly line: number;
}

export interface SortedObjects {
  readonly ingresses: LocatedIngress[];
  /** Ingresses written in an API version Kubernetes no longer serves. */
  readonly removedApi: LocatedIngress[];
  /** The IngressClass marked as the cluster default in the input, if exactly one is. */
  readonly defaultClass?: string;
  readonly ignored: IgnoredObject[];
}

const SERVED_INGRESS_API = "networking.k8s.io/v1";

function kindOf(value: unknown): string {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof kind === "string" ? kind : "(no kind)";
}

export function sortObjects(objects: readonly ManifestObject[]): SortedObjects {
  const ingresses: LocatedIngress[] = [];
  const removedApi: LocatedIngress[] = [];
  const ignored: IgnoredObject[] = [];
  const defaults: string[] = [];
  for (const { object, file, line, lineOf } of objects) {
    const kind = kindOf(object);
    const ref = ingressRef(object);
    if (kind === "Ingress") {
      const apiVersion = (object as { apiVersion?: unknown }).apiVersion;
      const located = { ingress: object as IngressObject, ref, file, line, lineOf };
      if (apiVersion === undefined || apiVersion === SERVED_INGRESS_API) ingresses.push(located);
      else removedApi.push(located);
    } else if (kind === "IngressClass") {
      const annotations = (object as { metadata?: { annotations?: Record<string, unknown> } }).metadata
        ?.annotations;
      if (annotations?.[DEFAULT_CLASS_ANNOTATION] === "true") defaults.push(ref.name);
      ignored.push({ kind, ref, file, line });
    } else {
      ignored.push({ kind, ref, file, line });
    }
  }
  return { ingresses, removedApi, ignored, ...(defaults.length === 1 ? { defaultClass: defaults[0] } : {}) };
}

/** `file:line` of an object, for messages. */
export function locate(located: { file: string; line: number }): string {
  return `${located.file}:${located.line}`;
}

/** Counts of ignored kinds, e.g. "2 Service, 1 Deployment". */
export function summarizeIgnored(ignored: readonly IgnoredObject[]): string {
  const counts = new Map<string, number>();
  for (const item of ignored) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(", ");
}
