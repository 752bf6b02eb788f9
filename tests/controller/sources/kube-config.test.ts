import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadKubeConfig } from "../../../sdk/controller/sources/kube-config";

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
  - name: one
    cluster: { server: "https://one.example.com:6443" }
  - name: two
    cluster: { server: "https://two.example.com:6443" }
users:
  - name: me
    user: { token: t }
contexts:
  - name: one
    context: { cluster: one, user: me }
  - name: two
    context: { cluster: two, user: me }
current-context: one
`;

describe("loadKubeConfig", () => {
  test("an explicit kubeconfig file and context are used", async (t) => {
    const folder = await mkdtemp(join(tmpdir(), "ingress-kit-kubeconfig-"));
    t.after(() => rm(folder, { recursive: true, force: true }));
    const file = join(folder, "config");
    await writeFile(file, KUBECONFIG);
    assert.equal(
      loadKubeConfig({ kubeconfig: file }).getCurrentCluster()?.server,
      "https://one.example.com:6443",
    );
    assert.equal(
      loadKubeConfig({ kubeconfig: file, context: "two" }).getCurrentCluster()?.server,
      "https://two.example.com:6443",
    );
  });

  test("an unknown context fails with ERR_KUBECONFIG_CONTEXT, listing the contexts there are", async (t) => {
    const folder = await mkdtemp(join(tmpdir(), "ingress-kit-kubeconfig-"));
    t.after(() => rm(folder, { recursive: true, force: true }));
    const file = join(folder, "config");
    await writeFile(file, KUBECONFIG);
    assert.throws(
      () => loadKubeConfig({ kubeconfig: file, context: "three" }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, "ERR_KUBECONFIG_CONTEXT");
        assert.match(error.message, /"three".*"one", "two"/);
        return true;
      },
    );
  });

  test("with no kubeconfig anywhere and outside a cluster it fails with ERR_KUBECONFIG_NOT_FOUND", async (t) => {
    const folder = await mkdtemp(join(tmpdir(), "ingress-kit-kubeconfig-"));
    t.after(() => rm(folder, { recursive: true, force: true }));
    const saved = { ...process.env };
    t.after(() => {
      process.env = saved;
    });
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
    process.env.HOME = folder;
    process.env.USERPROFILE = folder;
    assert.throws(() => loadKubeConfig(), { code: "ERR_KUBECONFIG_NOT_FOUND" });
  });
});
