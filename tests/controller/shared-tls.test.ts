import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  SHARED_TLS_ENV,
  createSharedTlsMaterial,
  sharedTlsEnvironment,
  takeSharedTlsMaterial,
} from "../../sdk/controller/shared-tls";

describe("TLS material shared with cluster workers", () => {
  it("round-trips through the worker's environment, which keeps no copy", () => {
    const material = createSharedTlsMaterial();
    assert.equal(material.ticketKeys.length, 48);
    const env: NodeJS.ProcessEnv = { ...sharedTlsEnvironment(material) };
    const taken = takeSharedTlsMaterial(env);
    assert.ok(taken);
    assert.deepEqual(taken.ticketKeys, material.ticketKeys);
    assert.equal(taken.fallback.cert, material.fallback.cert);
    assert.equal(taken.fallback.key, material.fallback.key);
    assert.equal(env[SHARED_TLS_ENV], undefined);
    assert.equal(takeSharedTlsMaterial(env), undefined);
  });
});
