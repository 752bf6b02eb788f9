// Reading the five kinds out of a manifest file's text: multi-document YAML (JSON is read as YAML, of which it
// is a subset), `List` kinds (`kubectl get -o yaml` output) expanded, other kinds set aside, namespaced objects
// without a namespace put in `default`, as `kubectl apply` does. Pure: no I/O, no logging.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
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

/** Why a file does not parse, with the position; `message` is one line and never quotes the file's text. */
export interface ManifestSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

export type ManifestReadResult =
  | { readonly ok: true; readonly objects: ManifestObject[]; readonly notes: ManifestNote[] }
  | { readonly ok: false; readonly error: ManifestSyntaxError };

export function readManifests(text: string): ManifestReadResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line;
  if (!Array.isArray(documents)) return { ok: true, objects: [], notes: [] }; // an empty stream
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const [start] = error.linePos ?? [];
      return {
        ok: false,
        error: {
          line: start?.line ?? lineAt(error.pos[0]),
          column: start?.col ?? 1,
          code: error.code,
          // yaml appends " at line L, column C:" and the offending source text, which may be key material.
          message: error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, ""),
        },
      };
    }
  }
  const objects: ManifestObject[] = [];
  const notes: ManifestNote[] = [];
  for (const document of documents) {
    const value = document.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    const line = lineAt(document.contents?.range?.[0]);
    if (
      isRecord(value) &&
      typeof value.kind === "string" &&
      value.kind.endsWith("List") &&
      Array.isArray(value.items)
    ) {
      const itemLines = listItemLines(document, lineAt);
      value.items.forEach((item, i) => readObject(item, itemLines[i] ?? line, objects, notes));
    } else {
      readObject(value, line, objects, notes);
    }
  }
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

/** The line of each item of a List document's `items`. */
function listItemLines(document: Document, lineAt: (offset: number | undefined) => number): number[] {
  const contents = document.contents;
  if (!isMap(contents)) return [];
  const items = contents.get("items", true);
  if (!isSeq(items)) return [];
  return items.items.map((item) => lineAt((item as { range?: [number, number, number] }).range?.[0]));
}
