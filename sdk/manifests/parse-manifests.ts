// Reading Kubernetes manifest text: multi-document YAML (JSON is YAML), `List` kinds (`kubectl get -o yaml`
// output) expanded into their items, each value with the line it starts on. Shared by the CLI and the
// controller's file source. Pure: no I/O. Syntax errors never quote the text, which may hold key material.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";

export interface ParsedValue {
  readonly value: unknown;
  /** 1-based line where the value starts. */
  readonly line: number;
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
      value.items.forEach((item, i) => values.push({ value: item, line: itemLines[i] ?? line }));
    } else {
      values.push({ value, line });
    }
  }
  return { ok: true, values };
}
