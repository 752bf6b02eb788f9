// `--workers auto` within the container's CPU quota: the cgroup v2 and v1 files as the kernel writes them.
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import { cpuQuotaCores, type FileReader } from "../../sdk/controller/cpu-quota";
import { resolveWorkerCount } from "../../sdk/controller/workers";

const files =
  (contents: Record<string, string>): FileReader =>
  (path) =>
    contents[path] ?? null;

describe("CPU quota", () => {
  it("reads cgroup v2's cpu.max, rounding a fraction of a CPU up", () => {
    assert.equal(cpuQuotaCores(files({ "/sys/fs/cgroup/cpu.max": "max 100000\n" })), null);
    assert.equal(cpuQuotaCores(files({ "/sys/fs/cgroup/cpu.max": "200000 100000\n" })), 2);
    assert.equal(cpuQuotaCores(files({ "/sys/fs/cgroup/cpu.max": "150000 100000\n" })), 2);
    assert.equal(cpuQuotaCores(files({ "/sys/fs/cgroup/cpu.max": "25000 100000\n" })), 1);
  });

  it("reads cgroup v1's cfs quota and period when there is no cpu.max", () => {
    const v1 = (quota: string): FileReader =>
      files({
        "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": quota,
        "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
      });
    assert.equal(cpuQuotaCores(v1("-1\n")), null);
    assert.equal(cpuQuotaCores(v1("400000\n")), 4);
  });

  it("has no quota without cgroup files, or with files it cannot read as numbers", () => {
    assert.equal(cpuQuotaCores(files({})), null);
    assert.equal(cpuQuotaCores(files({ "/sys/fs/cgroup/cpu.max": "lots\n" })), null);
    assert.equal(cpuQuotaCores(files({ "/sys/fs/cgroup/cpu.max": "0 100000\n" })), null);
  });

  it("sizes --workers auto by the quota, never above the cores the process may run on", () => {
    const cores = availableParallelism();
    assert.equal(resolveWorkerCount("auto", null), cores);
    assert.equal(resolveWorkerCount("auto", 1), 1);
    assert.equal(resolveWorkerCount("0", cores + 10), cores);
    assert.equal(resolveWorkerCount("3", 1), 3, "an explicit count is taken as written");
  });
});
