// Reading Kubernetes manifest text: multi-document YAML (JSON is YAML), `List` kinds (`kubectl get -o yaml`
// output) expanded into their items, each value with the line it starts on. Shared by the CLI and the
// controller's file source. Pure: no I/O. Syntax errors never quote the text, which may hold key material.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";

export interface ParsedValue {
  readonly value: unknown;
  /** 1-based line where the value starts. */
  readonly line: number;
  /**
   * The line of a field inside the value, given as a path such as `spec.rules[0].host`; where the field is
   * missing, the line of its nearest parent that exists.
   */
  readonly lineOf: (fieldPath: string) => number;
}

/** `spec.rules[0].host` -> ["spec", "rules", 0, "host"]. */
function pathSegments(fieldPath: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of fieldPath.matchAll(/([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[3] ?? match[1]!);
  }
  return segments;
}

function fieldLocator(
  node: unknown,
  fallback: number,
  lineAt: (offset: number | undefined) => number,
): (fieldPath: string) => number {
  return (fieldPath) => {
    let line = fallback;
    let current: unknown = node;
    for (const segment of pathSegments(fieldPath)) {
      if (isMap(current)) current = current.get(segment, true);
      else if (isSeq(current) && typeof segment === "number") current = current.items[segment];
      else break;
      const range = (current as { range?: [number, number, number] } | undefined)?.range;
      if (!range) break;
      line = lineAt(range[0]);
    }
    return line;
  };
}

export interface ManifestSyntaxError {
  readonly line: number;
  readonly column: number;
  /** The yaml parser's error code, e.g. `BAD_INDENT`. */
  readonly code: string;
  /** One line, without the offending text. */
  readonly message: string;
}

export type ParseManifestsResult =
  | { readonly ok: true; readonly values: ParsedValue[] }
  | { readonly ok: false; readonly error: ManifestSyntaxError };

function isListKind(value: unknown): value is { kind: string; items: unknown[] } {
  if (typeof value !== "object" || value === null) return false;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return typeof kind === "string" && kind.endsWith("List") && Array.isArray(items);
}

/** The line of each item of a List document's `items`. */
function listItemLines(document: Document, lineAt: (offset: number | undefined) => number): number[] {
  const contents = document.contents;
  if (!isMap(contents)) return [];
  const items = contents.get("items", true);
  if (!isSeq(items)) return [];
  return items.items.map((item) => lineAt((item as { range?: [number, number, number] }).range?.[0]));
}

export function parseManifests(text: string): ParseManifestsResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line;
  if (!Array.isArray(documents)) return { ok: true, values: [] }; // an empty stream
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
          // yaml appends " at line L, column C:" and the offending source text.
          message: error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").split("\n")[0]!,
        },
      };
    }
  }
  const values: ParsedValue[] = [];
  for (const document of documents) {
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // e.g. an alias bomb: "Excessive alias count indicates a resource exhaustion attack"
      const line = lineAt(document.contents?.range?.[0]);
      return {
        ok: false,
        error: { line, column: 1, code: "BAD_DOCUMENT", message: (error as Error).message.split("\n")[0]! },
      };
    }
    if (value === null || value === undefined) continue;
    const line = lineAt(document.contents?.range?.[0]);
    if (isListKind(value)) {
      const itemLines = listItemLines(document, lineAt);
      const itemNodes = isMap(document.contents) ? document.contents.get("items", true) : undefined;
      value.items.forEach((item, i) => {
        const itemLine = itemLines[i] ?? line;
        const node = isSeq(itemNodes) ? itemNodes.items[i] : undefined;
        values.push({ value: item, line: itemLine, lineOf: fieldLocator(node, itemLine, lineAt) });
      });
    } else {
      values.push({ value, line, lineOf: fieldLocator(document.contents, line, lineAt) });
    }
  }
  return { ok: true, values };
}
