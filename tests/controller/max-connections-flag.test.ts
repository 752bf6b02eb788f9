// --max-connections and ControllerOptions.maxConnections: parsed, defaulted by the controller, and refused with
// an error that names the flag (or field), the value and the fix.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { UsageError } from "../../sdk/cli/exit-codes";
import { parseControllerFlags } from "../../sdk/cli/controller";
import { startController } from "../../sdk/controller/controller";
import { DEFAULT_MAX_CONNECTIONS } from "../../sdk/controller/proxy/connection-limit";
import { MemorySource } from "../helpers/memory-source";

describe("--max-connections", () => {
  it("is absent unless given (the controller's default of 16384 applies) and read as a whole number", () => {
    assert.equal(DEFAULT_MAX_CONNECTIONS, 16_384);
    assert.equal("maxConnections" in parseControllerFlags([]), false);
    assert.equal(parseControllerFlags(["--max-connections", "100"]).maxConnections, 100);
    assert.equal(parseControllerFlags(["--max-connections=1048576"]).maxConnections, 1_048_576);
  });

  it("rejects a value that is not a count from 1 to 1048576, naming the flag, the value and the fix", () => {
    for (const value of ["0", "-5", "abc", "1e4", "0x10", "2.5", "1048577", ""]) {
      assert.throws(
        () => parseControllerFlags([`--max-connections=${value}`]),
        (error: unknown) =>
          error instanceof UsageError &&
          error.message.includes(`--max-connections "${value}" is not a connection count`) &&
          error.message.includes("use a whole number from 1 to 1048576"),
        value,
      );
    }
  });

  it("is checked by startController before anything listens", async () => {
    for (const maxConnections of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(
        startController({
          source: new MemorySource({}),
          logger: pino({ level: "silent" }),
          ingressClass: "ingress-kit",
          host: "127.0.0.1",
          httpPort: 0,
          httpsPort: null,
          healthPort: null,
          maxConnections,
        }),
        (error: unknown) =>
          error instanceof RangeError &&
          error.message.startsWith(`ControllerOptions.maxConnections "${maxConnections}" is not`),
      );
    }
  });
});
