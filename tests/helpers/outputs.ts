// Resolving Pulumi Outputs in tests (Output.promise() is internal, so go through apply), and waiting for the mock
// monitor to see every registration a program started.
import * as pulumi from "@pulumi/pulumi";

export { valueOf } from "../../sdk/testing/outputs";

/** Whether an Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(output);
}

import { settle as settleRounds } from "../../sdk/testing/outputs";

/** Lets pending registrations reach the mocks (they are asynchronous); 5 rounds by default in our tests. */
export function settle(rounds = 5): Promise<void> {
  return settleRounds(rounds);
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
