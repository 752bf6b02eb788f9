// The file source on real temporary folders: initial read, changes seen through fs.watch and through polling,
// broken files, editors' atomic saves, deletions and duplicates.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { SourceCodes } from "../../../sdk/controller/sources/codes";
import { FileSource, type FileSourceOptions } from "../../../sdk/controller/sources/file-source";
import { captureLogs, type CapturedLogger } from "./log-capture";
import { waitFor } from "./wait-for";

function serviceYaml(name: string, port = 80, namespace?: string): string {
  const ns = namespace ? `, namespace: ${namespace}` : "";
  return `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}${ns}}\nspec:\n  ports: [{name: http, port: ${port}}]\n`;
}

function ingressYaml(name: string, host: string): string {
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: Ingress",
    `metadata: {name: ${name}}`,
    "spec:",
    "  rules:",
    `    - host: ${host}`,
    "      http:",
    "        paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]",
    "",
  ].join("\n");
}

async function tempFolder(t: TestContext): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "ingress-kit-sources-"));
  t.after(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

async function startSource(
  t: TestContext,
  path: string,
  options: Partial<FileSourceOptions> = {},
): Promise<{ source: FileSource; logs: CapturedLogger; changes: () => number }> {
  const logs = captureLogs();
  const source = new FileSource({ path, logger: logs.logger, debounceMs: 20, pollIntervalMs: 0, ...options });
  t.after(() => source.stop());
  let changes = 0;
  source.onChange(() => (changes += 1));
  await source.start();
  return { source, logs, changes: () => changes };
}

const services = (source: FileSource) =>
  source
    .current()
    .services.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}:${s.spec?.ports?.[0]?.port}`);
const ingresses = (source: FileSource) =>
  source.current().ingresses.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`);

describe("FileSource", () => {
  test("reads every manifest under a folder, recursively, skipping hidden entries and other extensions", async (t) => {
    const folder = await tempFolder(t);
    await mkdir(join(folder, "team-a", "nested"), { recursive: true });
    await mkdir(join(folder, ".git"));
    await mkdir(join(folder, "..2026_11_27"));
    await writeFile(join(folder, "a.yaml"), serviceYaml("a"));
    await writeFile(join(folder, "team-a", "b.yml"), serviceYaml("b", 81, "team-a"));
    await writeFile(
      join(folder, "team-a", "nested", "c.json"),
      JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "c" } }),
    );
    await writeFile(join(folder, "team-a", "notes.txt"), serviceYaml("txt"));
    await writeFile(join(folder, ".git", "d.yaml"), serviceYaml("hidden"));
    // A mounted ConfigMap: the visible file is a link into a hidden folder, read once through the link.
    await writeFile(join(folder, "..2026_11_27", "e.yaml"), serviceYaml("e"));
    await symlink(join(folder, "..2026_11_27", "e.yaml"), join(folder, "e.yaml"));

    const { source, logs } = await startSource(t, folder);
    assert.deepEqual(services(source), [
      "default/a:80",
      "default/c:undefined",
      "default/e:80",
      "team-a/b:81",
    ]);
    assert.equal(source.name, `file:${folder}`);
    assert.equal(logs.withCode(SourceCodes.SYNCED)[0]?.files, 4);
  });

  test("a single file: reads it, and picks up a change through fs.watch", async (t) => {
    const folder = await tempFolder(t);
    const file = join(folder, "routes.yaml");
    await writeFile(file, `${serviceYaml("web")}---\n${ingressYaml("shop", "shop.example.com")}`);
    const { source, changes } = await startSource(t, file);
    assert.deepEqual(ingresses(source), ["default/shop"]);
    assert.equal(changes(), 0);

    await writeFile(file, `${serviceYaml("web")}---\n${ingressYaml("shop", "shop2.example.com")}`);
    await waitFor(
      () => source.current().ingresses[0]?.spec?.rules?.[0]?.host === "shop2.example.com",
      "the change",
    );
    assert.ok(changes() >= 1);
  });

  test("a folder: new, changed and deleted files and new folders are picked up through fs.watch", async (t) => {
    const folder = await tempFolder(t);
    await mkdir(join(folder, "sub"));
    await writeFile(join(folder, "a.yaml"), serviceYaml("a"));
    await writeFile(join(folder, "sub", "b.yaml"), serviceYaml("b"));
    const { source } = await startSource(t, folder);

    await writeFile(join(folder, "sub", "c.yaml"), serviceYaml("c"));
    await waitFor(() => services(source).includes("default/c:80"), "the new file");
    await writeFile(join(folder, "sub", "b.yaml"), serviceYaml("b", 8080));
    await waitFor(() => services(source).includes("default/b:8080"), "the changed nested file");
    await unlink(join(folder, "a.yaml"));
    await waitFor(() => !services(source).includes("default/a:80"), "the deleted file");
    assert.deepEqual(services(source), ["default/b:8080", "default/c:80"]);
    // A folder made after start is watched too: a file changed in it later is seen.
    await mkdir(join(folder, "new"));
    await writeFile(join(folder, "new", "d.yaml"), serviceYaml("d"));
    await waitFor(() => services(source).includes("default/d:80"), "the file in the new folder");
    await writeFile(join(folder, "new", "d.yaml"), serviceYaml("d", 8081));
    await waitFor(() => services(source).includes("default/d:8081"), "the change in the new folder");
  });

  test("a change to one file re-parses only that file, and only its new documents", async (t) => {
    const folder = await tempFolder(t);
    const names = ["a", "b", "c", "d"];
    for (const name of names) {
      await writeFile(
        join(folder, `${name}.yaml`),
        [serviceYaml(`${name}1`), serviceYaml(`${name}2`)].join("---\n"),
      );
    }
    const { source, logs } = await startSource(t, folder);
    const loaded = () => logs.withCode(SourceCodes.MANIFEST_LOADED).map((l) => [l.file, l.parsedDocuments]);
    assert.deepEqual(
      loaded(),
      names.map((name) => [`${name}.yaml`, 2]),
    );

    await writeFile(
      join(folder, "b.yaml"),
      [serviceYaml("b1"), serviceYaml("b2"), serviceYaml("b3")].join("---\n"),
    );
    await waitFor(() => services(source).includes("default/b3:80"), "the appended document");
    assert.deepEqual(loaded().slice(names.length), [["b.yaml", 1]], "b.yaml alone, its new document alone");
    assert.equal(services(source).length, 9);
  });

  test("polling alone picks up changes when fs.watch is off", async (t) => {
    const folder = await tempFolder(t);
    await writeFile(join(folder, "a.yaml"), serviceYaml("a"));
    const { source } = await startSource(t, folder, { watch: false, pollIntervalMs: 30 });
    await writeFile(join(folder, "a.yaml"), serviceYaml("a", 9090));
    await waitFor(() => services(source).includes("default/a:9090"), "the polled change");
  });

  test("an editor's atomic save (write a temporary file, rename it over) is picked up in file mode", async (t) => {
    const folder = await tempFolder(t);
    const file = join(folder, "routes.yaml");
    await writeFile(file, serviceYaml("web"));
    const { source } = await startSource(t, file);
    for (const port of [81, 82, 83]) {
      const temporary = join(folder, `.routes.yaml.${port}.swp`);
      await writeFile(temporary, serviceYaml("web", port));
      await rename(temporary, file);
      await waitFor(() => services(source)[0] === `default/web:${port}`, `save number ${port - 80}`);
    }
  });

  test("a file that fails to parse keeps its previous objects and logs the file and line", async (t) => {
    const folder = await tempFolder(t);
    await writeFile(join(folder, "a.yaml"), serviceYaml("a"));
    await writeFile(join(folder, "b.yaml"), serviceYaml("b"));
    const { source, logs } = await startSource(t, folder);

    await writeFile(join(folder, "a.yaml"), `${serviceYaml("a", 81)}---\nkind: [unclosed\n`);
    await waitFor(() => logs.withCode(SourceCodes.MANIFEST_PARSE_FAILED).length === 1, "the parse error");
    const error = logs.withCode(SourceCodes.MANIFEST_PARSE_FAILED)[0]!;
    assert.equal(error.file, "a.yaml");
    assert.equal(error.line, 8);
    assert.equal(error.level, 50);
    assert.match(String(error.msg), /^a\.yaml:8:\d+: .*previous objects keep serving/);
    assert.deepEqual(services(source), ["default/a:80", "default/b:80"], "a.yaml's last good objects serve");

    // Other files still update, and the broken file is not re-logged while unchanged.
    await writeFile(join(folder, "b.yaml"), serviceYaml("b", 82));
    await waitFor(() => services(source).includes("default/b:82"), "the other file's change");
    await source.rescan();
    assert.equal(logs.withCode(SourceCodes.MANIFEST_PARSE_FAILED).length, 1);

    await writeFile(join(folder, "a.yaml"), serviceYaml("a", 83));
    await waitFor(() => services(source).includes("default/a:83"), "the fixed file");
  });

  test("a file broken from the start is skipped and the others serve", async (t) => {
    const folder = await tempFolder(t);
    await writeFile(join(folder, "bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: [x\n");
    await writeFile(join(folder, "good.yaml"), serviceYaml("good"));
    const { source, logs } = await startSource(t, folder);
    assert.deepEqual(services(source), ["default/good:80"]);
    assert.equal(logs.withCode(SourceCodes.MANIFEST_PARSE_FAILED)[0]?.file, "bad.yaml");
  });

  test("List kinds are expanded and other kinds ignored with a debug note", async (t) => {
    const folder = await tempFolder(t);
    const list = [
      "apiVersion: v1",
      "kind: List",
      "items:",
      "  - {apiVersion: v1, kind: Service, metadata: {name: one}}",
      "  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: one}}",
      "  - {apiVersion: v1, kind: Service, metadata: {name: two, namespace: other}}",
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: settings}",
      "",
    ].join("\n");
    await writeFile(join(folder, "list.yaml"), list);
    const { source, logs } = await startSource(t, folder);
    assert.deepEqual(services(source), ["default/one:undefined", "other/two:undefined"]);
    const ignored = logs.withCode(SourceCodes.KIND_IGNORED);
    assert.deepEqual(
      ignored.map((l) => [l.kind, l.name, l.file, l.line, l.level]),
      [
        ["Deployment", "one", "list.yaml", 5, 20],
        ["ConfigMap", "settings", "list.yaml", 8, 20],
      ],
    );
  });

  test("the same object in two files: the first by path wins and the other is logged", async (t) => {
    const folder = await tempFolder(t);
    await writeFile(join(folder, "a.yaml"), serviceYaml("web", 80));
    await writeFile(join(folder, "b.yaml"), serviceYaml("web", 81));
    const { source, logs } = await startSource(t, folder);
    assert.deepEqual(services(source), ["default/web:80"]);
    const duplicate = logs.withCode(SourceCodes.MANIFEST_DUPLICATE)[0];
    assert.equal(duplicate?.file, "b.yaml");
    assert.equal(duplicate?.kept, "a.yaml:1");
  });

  test("in file mode a missing file keeps the previous state and is logged once", async (t) => {
    const folder = await tempFolder(t);
    const file = join(folder, "routes.yaml");
    await writeFile(file, serviceYaml("web"));
    const { source, logs } = await startSource(t, file);
    await unlink(file);
    await source.rescan();
    await source.rescan();
    assert.deepEqual(services(source), ["default/web:80"]);
    assert.equal(logs.withCode(SourceCodes.MANIFEST_READ_FAILED).length, 1);
    await writeFile(file, serviceYaml("web", 81));
    await waitFor(() => services(source)[0] === "default/web:81", "the file back");
  });

  test("a folder that disappears keeps the previous state, logged once, until it is back", async (t) => {
    const parent = await tempFolder(t);
    const folder = join(parent, "routes");
    await mkdir(folder);
    await writeFile(join(folder, "a.yaml"), serviceYaml("a"));
    const { source, logs } = await startSource(t, folder);
    await rm(folder, { recursive: true });
    await source.rescan();
    await source.rescan();
    assert.deepEqual(services(source), ["default/a:80"]);
    assert.equal(logs.withCode(SourceCodes.MANIFEST_READ_FAILED).length, 1);
    await mkdir(folder);
    await writeFile(join(folder, "b.yaml"), serviceYaml("b"));
    await source.rescan();
    assert.deepEqual(services(source), ["default/b:80"]);
    // The watch follows the new folder.
    await writeFile(join(folder, "c.yaml"), serviceYaml("c"));
    await waitFor(() => services(source).includes("default/c:80"), "a file in the re-made folder");
  });

  test("start() rejects a path that does not exist, with ERR_MANIFESTS_PATH and the path quoted", async (t) => {
    const folder = await tempFolder(t);
    const source = new FileSource({ path: join(folder, "nope"), logger: captureLogs().logger });
    await assert.rejects(source.start(), (error: Error & { code?: string }) => {
      assert.equal(error.code, "ERR_MANIFESTS_PATH");
      assert.ok(error.message.includes(`"${join(folder, "nope")}"`));
      return true;
    });
  });

  test("TLS Secrets keep only their certificate and key; nothing of any Secret is logged", async (t) => {
    const folder = await tempFolder(t);
    const secrets = [
      "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata: {name: tls}",
      "stringData: {tls.crt: CERT-TEXT, tls.key: KEY-MATERIAL, other: OTHER-VALUE}",
      "---",
      "apiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata: {name: opaque}\nstringData: {password: HUNTER2}",
    ].join("\n");
    await writeFile(join(folder, "secrets.yaml"), secrets);
    const { source, logs } = await startSource(t, folder);
    const [secret, ...rest] = source.current().secrets;
    assert.equal(rest.length, 0);
    assert.deepEqual(secret?.data, {
      "tls.crt": Buffer.from("CERT-TEXT").toString("base64"),
      "tls.key": Buffer.from("KEY-MATERIAL").toString("base64"),
    });
    const written = logs.raw.join("");
    for (const value of [
      "KEY-MATERIAL",
      "OTHER-VALUE",
      "HUNTER2",
      Buffer.from("KEY-MATERIAL").toString("base64"),
    ]) {
      assert.ok(!written.includes(value), `the logs contain ${value}`);
    }
  });

  test("reportUnservable logs each unservable Ingress once per reason", async (t) => {
    const folder = await tempFolder(t);
    await writeFile(join(folder, "a.yaml"), ingressYaml("shop", "shop.example.com"));
    const { source, logs } = await startSource(t, folder);
    const item = {
      namespace: "default",
      name: "shop",
      code: "ERR_MISSING_SERVICE",
      message: 'no Service "web"',
    };
    source.reportUnservable([item]);
    source.reportUnservable([item]);
    source.reportUnservable([item, { ...item, code: "ERR_MISSING_SECRET", message: 'no Secret "tls"' }]);
    assert.deepEqual(
      logs.withCode(SourceCodes.INGRESS_UNSERVABLE).map((l) => [l.ingress, l.reason]),
      [
        ["default/shop", "ERR_MISSING_SERVICE"],
        ["default/shop", "ERR_MISSING_SECRET"],
      ],
    );
  });
});
