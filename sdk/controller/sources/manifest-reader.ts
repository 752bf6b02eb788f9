// Reading the five kinds out of a manifest file's text: multi-document YAML (JSON is read as YAML, of which it
// is a subset), `List` kinds (`kubectl get -o yaml` output) expanded, other kinds set aside, namespaced objects
// without a namespace put in `default`, as `kubectl apply` does. Pure: no I/O, no logging.
import { parseManifests, type ManifestSyntaxError } from "../../manifests/parse-manifests";
import { findMetadataProblem, isRecord, toKeptObject, type KubeObject } from "./kube-object";
import { findResourceKind, type ResourceKind } from "./resource-kinds";

export interface ManifestObject {
  readonly kind: ResourceKind;
  readonly object: KubeObject;
  /** 1-based line where the object starts. */
  readonly line: number;
}

/** Something in the file that is not read: a kind the controller ignores, or an object that is malformed. */
export interface ManifestNote {
  readonly line: number;
  readonly reason: "kind-ignored" | "secret-ignored" | "malformed-object";
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly name?: string;
  readonly message: string;
}

export type { ManifestSyntaxError };

export type ManifestReadResult =
  | { readonly ok: true; readonly objects: ManifestObject[]; readonly notes: ManifestNote[] }
  | { readonly ok: false; readonly error: ManifestSyntaxError };

export function readManifests(text: string): ManifestReadResult {
  const parsed = parseManifests(text);
  if (!parsed.ok) return parsed;
  const objects: ManifestObject[] = [];
  const notes: ManifestNote[] = [];
  for (const { value, line } of parsed.values) readObject(value, line, objects, notes);
  return { ok: true, objects, notes };
}

function readObject(value: unknown, line: number, objects: ManifestObject[], notes: ManifestNote[]): void {
  if (!isRecord(value)) {
    notes.push({
      line,
      reason: "malformed-object",
      message: "the document is not a Kubernetes object (a map)",
    });
    return;
  }
  const kindName = typeof value.kind === "string" ? value.kind : undefined;
  const apiVersion = typeof value.apiVersion === "string" ? value.apiVersion : undefined;
  const meta = isRecord(value.metadata) ? value.metadata : undefined;
  const name = typeof meta?.name === "string" ? meta.name : undefined;
  const kind = findResourceKind(kindName);
  if (!kind || apiVersion !== kind.apiVersion) {
    const reads = kind ? ` (the controller reads ${kind.kind} of apiVersion ${kind.apiVersion})` : "";
    notes.push({
      line,
      reason: "kind-ignored",
      kind: kindName,
      apiVersion,
      name,
      message: `ignored ${apiVersion ?? "(no apiVersion)"} ${kindName ?? "(no kind)"} "${name ?? ""}"${reads}`,
    });
    return;
  }
  let object = value as KubeObject;
  if (kind.namespaced && meta && (meta.namespace === undefined || meta.namespace === "")) {
    object = { ...object, metadata: { ...object.metadata, namespace: "default" } };
  }
  const problem = findMetadataProblem(kind, object);
  if (problem !== undefined) {
    notes.push({ line, reason: "malformed-object", kind: kind.kind, apiVersion, name, message: problem });
    return;
  }
  const kept = toKeptObject(kind, object);
  if (!kept) {
    notes.push({
      line,
      reason: "secret-ignored",
      kind: kind.kind,
      apiVersion,
      name,
      message: `ignored Secret "${name}": not of type kubernetes.io/tls`,
    });
    return;
  }
  objects.push({ kind, object: kept, line });
}
