// Runs a Pulumi program with no engine, no CLI and no cluster: Pulumi's own mock runtime in preview mode, with
// a monitor that records every registration as the program sent it (secrets and unknowns still marked), so
// the rendered objects show what a real preview would know and hide what it would hide.
import { createHash } from "node:crypto";
import { registerTypeScriptLoader } from "./typescript-program";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, type MockResourceArgs, type MockCallArgs } from "@pulumi/pulumi/runtime/mocks";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

// Pulumi's runtime state is not in its public typings; setMocks() writes the same flags through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };

/** One resource registration, with its inputs as serialised by the program (secret and unknown markers kept). */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
}

export interface OfflineRun {
  readonly resources: RegisteredResource[];
  /** Warnings the program logged (pulumi.log.warn), in order. */
  readonly warnings: string[];
  /** Errors the program logged or threw; a non-empty list fails the render. */
  readonly errors: string[];
}

// Outputs that the real providers compute: in preview they are unknown, and so are they here.
const COMPUTED_OUTPUTS: Record<string, string[]> = {
  "tls:index/privateKey:PrivateKey": [
    "privateKeyPem",
    "privateKeyOpenssh",
    "privateKeyPemPkcs8",
    "publicKeyPem",
    "publicKeyOpenssh",
    "publicKeyFingerprintMd5",
    "publicKeyFingerprintSha256",
  ],
  "tls:index/selfSignedCert:SelfSignedCert": ["certPem", "validityStartTime", "validityEndTime"],
  "tls:index/locallySignedCert:LocallySignedCert": ["certPem", "validityStartTime", "validityEndTime"],
  "tls:index/certRequest:CertRequest": ["certRequestPem"],
};

/**
 * The name the Kubernetes provider would give an object without `metadata.name`: the resource name and a
 * suffix. Deterministic here (a hash of type and name), so the objects and every reference to them agree.
 */
export function generatedName(type: string, name: string): string {
  return `${name}-${createHash("sha256").update(`${type}\u0000${name}`).digest("hex").slice(0, 7)}`;
}

function stateFor(args: MockResourceArgs, generateNames: boolean): Record<string, unknown> {
  const state: Record<string, unknown> = { ...args.inputs };
  for (const output of COMPUTED_OUTPUTS[args.type] ?? []) state[output] = unknownValue;
  if (args.type.startsWith("kubernetes:") && args.custom) {
    const metadata = { ...((args.inputs.metadata as Record<string, unknown> | undefined) ?? {}) };
    // Auto-named objects get a random suffix from the provider: unknown until it runs.
    if (metadata.name === undefined) {
      metadata.name = generateNames ? generatedName(args.type, args.name) : unknownValue;
    }
    state.metadata = metadata;
    state.status = unknownValue;
  }
  return state;
}

class RecordingMonitor extends MockMonitor {
  readonly recorded: RegisteredResource[] = [];

  override async registerResource(
    req: unknown,
    callback: (err: unknown, response: unknown) => void,
  ): Promise<void> {
    const request = req as {
      getType(): string;
      getName(): string;
      getCustom(): boolean;
      getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    };
    this.recorded.push({
      type: request.getType(),
      name: request.getName(),
      custom: request.getCustom(),
      inputs: request.getObject()?.toJavaScript() ?? {},
    });
    return super.registerResource(req, callback);
  }
}

/**
 * Runs `load` (which requires the program) under the offline engine and waits for every registration.
 * `config` holds stack configuration as `project:key` -> value.
 */
export async function runOffline(options: {
  project: string;
  stack: string;
  config: Record<string, string>;
  load: () => unknown;
  /** Give auto-named Kubernetes objects a name (as a deploy would) instead of leaving it unknown (as a preview does). */
  generateNames?: boolean;
}): Promise<OfflineRun> {
  const warnings: string[] = [];
  const errors: string[] = [];
  process.env.PULUMI_CONFIG = JSON.stringify(options.config);
  process.env.PULUMI_NODEJS_PROJECT = options.project;
  process.env.PULUMI_NODEJS_STACK = options.stack;
  const monitor = new RecordingMonitor({
    newResource: (args: MockResourceArgs) => ({
      id: args.custom ? undefined : undefined,
      state: stateFor(args, options.generateNames === true),
    }),
    call: (_args: MockCallArgs) => ({}),
  });
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, true);
  // The same features setMocks() turns on: above all secrets, so secret values stay marked in what we record.
  Object.assign(getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });

  // Without an engine, Pulumi's log functions print "warning: [runtime] ..." to the console: collect them instead.
  const original = { warn: console.warn, error: console.error };
  const collect =
    (into: string[], prefix: RegExp) =>
    (...parts: unknown[]) =>
      into.push(parts.map(String).join(" ").replace(prefix, ""));
  console.warn = collect(warnings, /^warning: \[runtime\] /);
  console.error = collect(errors, /^error: \[runtime\] /);
  const rejections = (reason: unknown) => errors.push(describeError(reason));
  process.on("unhandledRejection", rejections);
  try {
    const exported = options.load();
    // A program may export a promise or an async function's result (`export = async () => ...`).
    const value =
      typeof exported === "object" && exported !== null && "default" in exported
        ? (exported as { default: unknown }).default
        : exported;
    if (typeof value === "function") await (value as () => unknown)();
    else if (value instanceof Promise) await value;
    await pulumi.runtime.disconnect();
  } catch (error) {
    errors.push(describeError(error));
  } finally {
    console.warn = original.warn;
    console.error = original.error;
    // Give late rejections from Output callbacks a turn to arrive before we stop listening.
    await new Promise((r) => setImmediate(r));
    process.off("unhandledRejection", rejections);
  }
  return { resources: monitor.recorded, warnings, errors };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    // ResourceError and RunError messages are written for people already; a stack trace is not.
    return error.message;
  }
  return String(error);
}

/**
 * Loads a TypeScript Pulumi program from its entry file (CommonJS through the TypeScript hook, as Pulumi's
 * Node.js language host loads it) and runs it offline.
 */
export async function runProgramOffline(
  program: { name: string; entry: string; dir: string },
  options: { stack: string; config: Record<string, string>; generateNames?: boolean },
): Promise<OfflineRun> {
  const unregister = registerTypeScriptLoader(program.dir);
  try {
    return await runOffline({
      project: program.name,
      ...options,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      load: () => require(program.entry),
    });
  } finally {
    unregister();
  }
}
