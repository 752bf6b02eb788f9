// Test fixtures are multi-document YAML files under tests/fixtures, one per case, named after the test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const fixturesDir = join(__dirname, "..", "fixtures");

/**
 * The documents of `tests/fixtures/<name>.yaml` as plain objects (as `kubectl get -o json` prints them),
 * empty documents left out. Throws, naming the file, on a YAML error, so that a broken fixture fails loudly
 * instead of routing nothing.
 */
export function loadFixture(name: string): unknown[] {
  const file = join(fixturesDir, `${name}.yaml`);
  const objects: unknown[] = [];
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const [error] = document.errors;
    if (error !== undefined) throw new Error(`fixture ${file}: ${error.message}`);
    if (document.contents !== null) objects.push(document.toJS());
  }
  return objects;
}
