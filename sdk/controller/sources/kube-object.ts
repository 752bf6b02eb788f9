// What the sources need of any object they read: its identity, its version, and a copy fit to keep.
import type { ObjectMeta } from "./objects";
import type { ResourceKind } from "./resource-kinds";
import { toTlsSecret } from "./tls-secret";

/** Metadata fields the API always sends that the shared ObjectMeta type does not name. */
export interface KubeMeta extends ObjectMeta {
  resourceVersion?: string;
  generation?: number;
  managedFields?: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMeta;
  [field: string]: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `namespace/name`, or `name` for cluster-scoped kinds: the store key of an object. */
export function objectKey(kind: ResourceKind, meta: ObjectMeta): string {
  return kind.namespaced ? `${meta.namespace ?? ""}/${meta.name ?? ""}` : (meta.name ?? "");
}

/** Why an object cannot be kept, or undefined when it has the metadata it needs. */
export function findMetadataProblem(kind: ResourceKind, value: unknown): string | undefined {
  if (!isRecord(value)) return "the object is not a JSON object";
  const meta = value.metadata;
  if (!isRecord(meta)) return "metadata is missing";
  if (typeof meta.name !== "string" || meta.name === "") return "metadata.name is missing";
  if (kind.namespaced && (typeof meta.namespace !== "string" || meta.namespace === "")) {
    return "metadata.namespace is missing";
  }
  return undefined;
}

/**
 * The copy a source keeps: `apiVersion` and `kind` filled in (list items omit them), `managedFields` dropped,
 * and for Secrets only `kubernetes.io/tls` ones with only `tls.crt` and `tls.key`. Undefined means "not kept".
 */
export function toKeptObject(kind: ResourceKind, value: KubeObject): KubeObject | undefined {
  if (kind.kind === "Secret") return toTlsSecret(value) as KubeObject | undefined;
  const { managedFields: _managedFields, ...metadata } = value.metadata ?? {};
  return { ...value, apiVersion: value.apiVersion ?? kind.apiVersion, kind: kind.kind, metadata };
}
