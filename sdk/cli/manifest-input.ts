// Reads Kubernetes manifests for the CLI: files, folders (their .yaml/.yml/.json files, recursively) or "-" for
// standard input; multi-document YAML, JSON, and `List` kinds as `kubectl get ... -o yaml` prints them.
// Every object keeps where it came from (file and line), so messages can point at it.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseManifests } from "../manifests/parse-manifests";

export interface ManifestObject {
  readonly object: unknown;
  readonly file: string;
  /** 1-based line of the object's first line. */
  readonly line: number;
  /** The line of a field such as `spec.rules[0].host` (or of its nearest parent that exists). */
  readonly lineOf: (fieldPath: string) => number;
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

/** Parses one manifest text into objects, or reports why it cannot be read. */
export function parseManifestText(
  text: string,
  file: string,
): { objects: ManifestObject[]; error?: UnreadableInput } {
  const parsed = parseManifests(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    return { objects: [], error: { file, message: `${file}:${line}:${column}: ${message}` } };
  }
  return { objects: parsed.values.map(({ value, line, lineOf }) => ({ object: value, file, line, lineOf })) };
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
      const parsed = parseManifestText(text, source.file);
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
