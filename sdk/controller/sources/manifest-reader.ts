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

/**
 * What one document's text read to, with the line the document started on in that read: its objects' and
 * notes' lines are the file's lines of that read, so that a document that has not moved since (most of them) is
 * used as it is, and one that has is shifted once. Kept per document for the life of the file, so it is kept
 * small: a document of one object and no notes (nearly every one) is that ManifestObject itself, with the line.
 */
type DocumentRead = SingleObjectRead | ManyObjectsRead;

interface SingleObjectRead extends ManifestObject {
  readonly firstLine: number;
}

interface ManyObjectsRead {
  readonly firstLine: number;
  readonly objects: readonly ManifestObject[];
  readonly notes: readonly ManifestNote[];
}

const isSingle = (read: DocumentRead): read is SingleObjectRead => "object" in read;

const NO_NOTES: readonly ManifestNote[] = Object.freeze([]);

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

/**
 * The key a text is known by in ManifestDocuments (and the file source's test for an unchanged file): 128 bits
 * of its SHA-256 as a 16-character string, kept once per document.
 */
export function textHash(text: string): string {
  return createHash("sha256").update(text).digest().toString("latin1", 0, 16);
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
    reads[index] = readValues(parsed.values, pieces[index]!.firstLine);
  } else if (missing > 1) {
    return readInGroups(text, pieces, hashes, reads, missing);
  }
  return assemble(pieces, hashes, reads as DocumentRead[], missing);
}

/**
 * Documents parsed by one call when many are new. A syntax tree that lives long enough to survive two young
 * collections moves to the old generation, whose space the process keeps afterwards: parsing a whole file of
 * 1,500 documents at once left 250 MB resident after reading 10,000 Ingresses, groups of 32 documents 246 MB,
 * groups of 4 177 MB, and no slower (the parser's set-up per call is small next to its work).
 */
const DOCUMENTS_PER_PARSE = 4;

/**
 * Parses the missing documents in groups of consecutive pieces (DOCUMENTS_PER_PARSE at most), each group's
 * values handed to its pieces by line. A group that does not parse sends the whole text to readWhole, which
 * tells the error and its line as a whole parse always has.
 */
function readInGroups(
  text: string,
  pieces: readonly DocumentText[],
  hashes: readonly string[],
  known: readonly (DocumentRead | undefined)[],
  missing: number,
): ManifestReadResult {
  const reads: (DocumentRead | undefined)[] = [...known];
  let offset = 0;
  const offsets = pieces.map((piece) => {
    const start = offset;
    offset += piece.text.length;
    return start;
  });
  for (let first = 0; first < pieces.length;) {
    if (reads[first] !== undefined) {
      first++;
      continue;
    }
    let end = first + 1;
    while (end < pieces.length && end - first < DOCUMENTS_PER_PARSE && reads[end] === undefined) end++;
    const groupEnd = end < pieces.length ? offsets[end]! : text.length;
    const parsed = parseManifests(text.slice(offsets[first]!, groupEnd));
    if (!parsed.ok) return readWhole(text, pieces, hashes, known);
    const lineOffset = pieces[first]!.firstLine - 1;
    let next = 0;
    for (let i = first; i < end; i++) {
      const pieceEnd = (pieces[i + 1]?.firstLine ?? Number.POSITIVE_INFINITY) - lineOffset;
      const values: { value: unknown; line: number }[] = [];
      for (; next < parsed.values.length && parsed.values[next]!.line < pieceEnd; next++) {
        const { value, line } = parsed.values[next]!;
        values.push({ value, line: line + lineOffset - pieces[i]!.firstLine + 1 });
      }
      reads[i] = readValues(values, pieces[i]!.firstLine);
    }
    first = end;
  }
  return assemble(pieces, hashes, reads as DocumentRead[], missing);
}

/** The read of one document starting on line `firstLine`, from its values (lines counted from its start). */
function readValues(values: readonly { value: unknown; line: number }[], firstLine: number): DocumentRead {
  const objects: ManifestObject[] = [];
  const notes: ManifestNote[] = [];
  for (const { value, line } of values) readObject(value, line + firstLine - 1, objects, notes);
  if (objects.length === 1 && notes.length === 0) return singleRead(objects[0]!, objects[0]!.line, firstLine);
  return { firstLine, objects, notes: notes.length > 0 ? notes : NO_NOTES };
}

/**
 * Written out field by field: an object spread with one more field makes a dictionary-mode object in V8, which
 * cost 5 MB more over 30,000 documents.
 */
function singleRead(object: ManifestObject, line: number, firstLine: number): SingleObjectRead {
  return { kind: object.kind, object: object.object, line, firstLine };
}

/** `read` as the document starting on line `firstLine`: itself when it has not moved. */
function movedTo(read: DocumentRead, firstLine: number): DocumentRead {
  const shift = firstLine - read.firstLine;
  if (shift === 0) return read;
  if (isSingle(read)) return singleRead(read, read.line + shift, firstLine);
  return {
    firstLine,
    objects: read.objects.map((object) => ({ ...object, line: object.line + shift })),
    notes:
      read.notes.length > 0 ? read.notes.map((note) => ({ ...note, line: note.line + shift })) : NO_NOTES,
  };
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
    reads.push(known[i] ?? readValues(values, piece.firstLine));
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
    const read = movedTo(reads[i]!, piece.firstLine);
    documents.set(hashes[i]!, read);
    if (isSingle(read)) objects.push(read);
    else {
      objects.push(...read.objects);
      notes.push(...read.notes);
    }
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
  } else if (!kind.namespaced && meta && meta.namespace !== undefined) {
    // As the API server (and kubectl) do: a cluster-scoped object has no namespace, whatever a copied manifest
    // says. Kept, it would make two definitions of one IngressClass look like two objects where names are
    // compared with their namespace (the merge's sorted arrays).
    const { namespace: _ignored, ...clusterScoped } = meta;
    object = { ...object, metadata: clusterScoped };
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
  const copy = compactCopy(kept);
  // The copy's own "networking.k8s.io/v1" and "EndpointSlice" (JSON.parse shares only strings of up to 10
  // characters): the kind's, shared by every object of it, as read (findResourceKind matched both).
  copy.apiVersion = kind.apiVersion;
  copy.kind = kind.kind;
  objects.push({ kind, object: copy, line });
}
