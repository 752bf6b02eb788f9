import type { IngressBackend, ObjectRef } from "./types";
/** `namespace/name`. */
export function formatRef(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}
/** `namespace/service:port` or `resource Kind/name`, for messages. */
export function formatBackend(_backend: IngressBackend | undefined, _namespace: string): string {
  throw new Error("not implemented yet");
}
