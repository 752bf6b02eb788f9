// Resolving Pulumi Outputs in tests (Output.promise() is internal, so go through apply), and waiting for the mock
// monitor to see every registration a program started.
import * as pulumi from "@pulumi/pulumi";

/** The value of an Output (or a plain value), resolved. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Whether an Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Lets pending registrations reach the mocks (they are asynchronous). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The IngressKitError (or other error) a synchronous construction throws; fails the test if it does not throw. */
export function errorOf(construct: () => unknown): Error & { code?: string; codes?: string[] } {
  try {
    construct();
  } catch (error) {
    return error as Error & { code?: string; codes?: string[] };
  }
  throw new Error("expected the construction to throw, but it did not");
}
