// Cutting a YAML stream into documents without parsing it: where it cuts, and where it must not.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseManifests } from "../../sdk/manifests/parse-manifests";
import { splitDocuments } from "../../sdk/manifests/split-documents";

const cuts = (text: string) => splitDocuments(text).map((piece) => [piece.firstLine, piece.text]);

/** The values and lines of each piece parsed alone, lines counted in the whole text. */
function parsedByPieces(text: string): unknown[] {
  return splitDocuments(text).flatMap((piece) => {
    const parsed = parseManifests(piece.text);
    assert.ok(parsed.ok, `piece at line ${piece.firstLine} does not parse`);
    return parsed.values.map(({ value, line }) => [value, line + piece.firstLine - 1]);
  });
}

function parsedWhole(text: string): unknown[] {
  const parsed = parseManifests(text);
  assert.ok(parsed.ok);
  return parsed.values.map(({ value, line }) => [value, line]);
}

describe("splitDocuments", () => {
  test("cuts before each --- line, with the line each piece starts on", () => {
    assert.deepEqual(cuts("a: 1\n---\nb: 2\n--- # c\nc: 3\n"), [
      [1, "a: 1\n"],
      [2, "---\nb: 2\n"],
      [4, "--- # c\nc: 3\n"],
    ]);
  });

  test("a leading --- does not make an empty first piece; CRLF and tab-ended markers cut too", () => {
    assert.deepEqual(cuts("---\na: 1\r\n---\r\nb: 2\n---\tc: 3"), [
      [1, "---\na: 1\r\n"],
      [3, "---\r\nb: 2\n"],
      [5, "---\tc: 3"],
    ]);
  });

  test("---- and ---x are not markers", () => {
    assert.deepEqual(cuts("a: |\n  x\n----\n---x\n"), [[1, "a: |\n  x\n----\n---x\n"]]);
  });

  test("a stream with directives or document end markers is left whole", () => {
    for (const text of ["%YAML 1.2\n---\na: 1\n---\nb: 2\n", "a: 1\n...\n---\nb: 2\n"]) {
      assert.deepEqual(cuts(text), [[1, text]]);
    }
  });

  test("the pieces parsed alone give the values and lines of the whole stream", () => {
    const text = [
      "# a comment\napiVersion: v1\nkind: Service\nmetadata: {name: a}",
      "kind: List\nitems:\n  - {kind: Service, metadata: {name: b}}\n  - {kind: Service, metadata: {name: c}}",
      "",
      "text: |\n  literal\n  block",
      "--- |\ntop-level literal\n",
      "anchor: &x {k: v}\nalias: *x",
    ].join("\n---\n");
    assert.deepEqual(parsedByPieces(text), parsedWhole(text));
  });
});
