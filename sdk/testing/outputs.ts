// Waiting for Pulumi in unit tests: Output.promise() is internal, so values are resolved through apply, and
// resource registrations reach the mocks asynchronously, so tests let them arrive before asserting.
import * as pulumi from "@pulumi/pulumi";

/** The value of an Output (or a plain value), resolved. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Lets pending registrations reach the mocks: call it after importing a program, before asserting. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
