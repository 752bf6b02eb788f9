// Reads Kubernetes manifests for the CLI: files, folders (their .yaml/.yml/.json files, recursively) or "-" for
// standard input; multi-document YAML, JSON, and `List` kinds as `kubectl get ... -o yaml` prints them.
// Every object keeps where it came from (file and line), so messages can point at it.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, parseAllDocuments, isMap, isSeq, type Node } from "yaml";

export interface ManifestObject {
  readonly object: unknown;
  readonly file: string;
  /** 1-based line of the object's first line. */
  readonly line: number;
}

/** A file that could not be read or parsed: the CLI exits 2. */
export interface UnreadableInput {
  readonly file: string;
  readonly message: string;
}

export interface ManifestInput {
  readonly objects: ManifestObject[];
  readonly unreadable: UnreadableInput[];
  readonly files: string[];
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return listFiles(full);
      return MANIFEST_EXTENSIONS.test(entry.name) ? [full] : [];
    });
}

function isListKind(value: unknown): value is { kind: string; items: unknown[] } {
  if (typeof value !== "object" || value === null) return false;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return typeof kind === "string" && kind.endsWith("List") && Array.isArray(items);
}

/** Parses one manifest text into objects, or reports why it cannot be read. */
export function parseManifests(
  text: string,
  file: string,
): { objects: ManifestObject[]; error?: UnreadableInput } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const objects: ManifestObject[] = [];
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const where = error.linePos?.[0];
      const position = where ? `:${where.line}:${where.col}` : "";
      return { objects: [], error: { file, message: `${file}${position}: ${error.message.split("\n")[0]}` } };
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const contents = document.contents as Node | null;
    const lineOf = (node: Node | null | undefined) =>
      node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    if (isListKind(value)) {
      const itemsNode = isMap(contents) ? contents.get("items", true) : undefined;
      value.items.forEach((item, i) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        objects.push({ object: item, file, line: lineOf(node ?? contents) });
      });
    } else {
      objects.push({ object: value, file, line: lineOf(contents) });
    }
  }
  return { objects };
}

/** Reads every path ("-" is standard input, given as `stdinText`). */
export function readManifests(paths: readonly string[], readStdin: () => string): ManifestInput {
  const objects: ManifestObject[] = [];
  const unreadable: UnreadableInput[] = [];
  const files: string[] = [];
  for (const path of paths) {
    let sources: { file: string; text: () => string }[];
    if (path === "-") {
      sources = [{ file: "<stdin>", text: readStdin }];
    } else {
      try {
        sources = listFiles(path).map((file) => ({ file, text: () => readFileSync(file, "utf8") }));
      } catch (error) {
        unreadable.push({ file: path, message: `${path}: ${describeFsError(error)}` });
        continue;
      }
      if (sources.length === 0) {
        unreadable.push({ file: path, message: `${path}: the folder holds no .yaml, .yml or .json files` });
      }
    }
    for (const source of sources) {
      files.push(source.file);
      let text: string;
      try {
        text = source.text();
      } catch (error) {
        unreadable.push({ file: source.file, message: `${source.file}: ${describeFsError(error)}` });
        continue;
      }
      const parsed = parseManifests(text, source.file);
      if (parsed.error) unreadable.push(parsed.error);
      else objects.push(...parsed.objects);
    }
  }
  return { objects, unreadable, files };
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return error instanceof Error ? error.message : String(error);
}
