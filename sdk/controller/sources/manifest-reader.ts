// Reading the five kinds out of a manifest file's text: multi-document YAML (JSON is read as YAML, of which it
// is a subset), `List` kinds (`kubectl get -o yaml` output) expanded, other kinds set aside, namespaced objects
// without a namespace put in `default`, as `kubectl apply` does. Pure: no I/O, no logging.
//
// Each document is parsed on its own and its result kept by its text: given the documents of the file's
// previous read, a re-read parses only the documents that are new or changed (YAML parsing is the cost: about
// half a millisecond a document), and unchanged documents keep their object identities. Documents are known by
// a hash of their text, not the text itself, so that a file's text is not kept between reads.
import { createHash } from "node:crypto";
import { parseManifests, type ManifestSyntaxError } from "../../manifests/parse-manifests";
import { splitDocuments, type DocumentText } from "../../manifests/split-documents";
import { compactCopy } from "./compact-copy";
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

/** What one document's text read to, its lines counted from the document's first line. */
interface DocumentRead {
  readonly objects: readonly ManifestObject[];
  readonly notes: readonly ManifestNote[];
}

/** The documents of one read by the hash of their text; hand them to the next read of the same file. */
export type ManifestDocuments = ReadonlyMap<string, DocumentRead>;

export type ManifestReadResult =
  | {
      readonly ok: true;
      readonly objects: ManifestObject[];
      readonly notes: ManifestNote[];
      readonly documents: ManifestDocuments;
      /** Documents parsed by this read (the others came from `previous`). */
      readonly parsedDocuments: number;
    }
  | { readonly ok: false; readonly error: ManifestSyntaxError };

const NO_DOCUMENTS: ManifestDocuments = new Map();

/** The key a text is known by in ManifestDocuments (and the file source's test for an unchanged file). */
export function textHash(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}

/** Reads `text`, reusing the documents of `previous` (the same file's last read) whose text is unchanged. */
export function readManifests(text: string, previous: ManifestDocuments = NO_DOCUMENTS): ManifestReadResult {
  const pieces = splitDocuments(text);
  const hashes = pieces.map((piece) => textHash(piece.text));
  const reads: (DocumentRead | undefined)[] = hashes.map((hash) => previous.get(hash));
  const missing = reads.filter((read) => read === undefined).length;
  if (missing === 1) {
    // One new or changed document, the usual edit: parse it alone.
    const index = reads.indexOf(undefined);
    const parsed = parseManifests(pieces[index]!.text);
    // A piece that does not parse on its own: the whole text tells the error (and its line) as it always has.
    if (!parsed.ok) return readWhole(text, pieces, hashes, reads);
    reads[index] = readValues(parsed.values);
  } else if (missing > 1) {
    // One parse of the whole text costs less than one per document (the parser's set-up is per call).
    return readWhole(text, pieces, hashes, reads);
  }
  return assemble(pieces, hashes, reads as DocumentRead[], missing);
}

function readValues(values: readonly { value: unknown; line: number }[]): DocumentRead {
  const objects: ManifestObject[] = [];
  const notes: ManifestNote[] = [];
  for (const { value, line } of values) readObject(value, line, objects, notes);
  return { objects, notes };
}

/**
 * Parses the whole text at once and hands each piece the values that start on its lines (every `---` line
 * starts a document, so no value spans two pieces); pieces already read keep their reads.
 */
function readWhole(
  text: string,
  pieces: readonly DocumentText[],
  hashes: readonly string[],
  known: readonly (DocumentRead | undefined)[],
): ManifestReadResult {
  const parsed = parseManifests(text);
  if (!parsed.ok) return parsed;
  const reads: DocumentRead[] = [];
  let next = 0;
  pieces.forEach((piece, i) => {
    const end = pieces[i + 1]?.firstLine ?? Number.POSITIVE_INFINITY;
    const values: { value: unknown; line: number }[] = [];
    for (; next < parsed.values.length && parsed.values[next]!.line < end; next++) {
      const { value, line } = parsed.values[next]!;
      values.push({ value, line: line - piece.firstLine + 1 });
    }
    reads.push(known[i] ?? readValues(values));
  });
  return assemble(pieces, hashes, reads, known.filter((read) => read === undefined).length);
}

function assemble(
  pieces: readonly DocumentText[],
  hashes: readonly string[],
  reads: readonly DocumentRead[],
  parsedDocuments: number,
): ManifestReadResult {
  const documents = new Map<string, DocumentRead>();
  const objects: ManifestObject[] = [];
  const notes: ManifestNote[] = [];
  pieces.forEach((piece, i) => {
    const read = reads[i]!;
    documents.set(hashes[i]!, read);
    const offset = piece.firstLine - 1;
    for (const object of read.objects) {
      objects.push(offset === 0 ? object : { ...object, line: object.line + offset });
    }
    for (const note of read.notes) notes.push(offset === 0 ? note : { ...note, line: note.line + offset });
  });
  return { ok: true, objects, notes, documents, parsedDocuments };
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
  objects.push({ kind, object: compactCopy(kept), line });
}
