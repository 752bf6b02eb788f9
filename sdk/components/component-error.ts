// Errors raised by the components: a pulumi.ResourceError that keeps a stable code, so tools and tests match on
// `error.code` (or the `[CODE]` suffix of the message) instead of the wording.
import * as pulumi from "@pulumi/pulumi";

/** Stable codes of the problems the components report themselves (the matcher's codes are kept as they are). */
export const ComponentCodes = {
  /** `controller` is not one of the supported kinds. */
  UNKNOWN_CONTROLLER: "ERR_UNKNOWN_CONTROLLER",
  /** `gateway` is neither an IngressGateway nor a plain IngressClass name (an Output, e.g. from a StackReference). */
  INVALID_GATEWAY: "ERR_INVALID_GATEWAY",
  /** Two IngressGateways of one program claim the same IngressClass. */
  DUPLICATE_INGRESS_CLASS: "ERR_DUPLICATE_INGRESS_CLASS",
  /** A typed HostRoute option the gateway's controller cannot express. */
  UNSUPPORTED_OPTION: "ERR_UNSUPPORTED_OPTION",
  /** A typed option or gateway argument with a value out of range or of the wrong form. */
  INVALID_ARGUMENT: "ERR_INVALID_ARGUMENT",
  /** A backend Service has no port of the requested name or number. */
  UNKNOWN_SERVICE_PORT: "ERR_UNKNOWN_SERVICE_PORT",
} as const;

/** A `pulumi.ResourceError` with a stable `code`; every problem in the message ends with its `[CODE]`. */
export class IngressKitError extends pulumi.ResourceError {
  readonly code: string;
  /** Every code the message carries, in order (one per problem). */
  readonly codes: readonly string[];
  constructor(
    code: string,
    message: string,
    resource: pulumi.Resource | undefined,
    codes: readonly string[] = [code],
  ) {
    super(message, resource, true);
    this.codes = codes;
    this.code = code;
    this.name = "IngressKitError";
  }
}

/** One problem found while validating component args, before any child exists. */
export interface ArgProblem {
  readonly code: string;
  /** The argument path, e.g. `paths[1].service.port`. */
  readonly field: string;
  /** One sentence that quotes the value and ends with the fix (without the component prefix). */
  readonly message: string;
}

/**
 * Throws one IngressKitError for all problems (sorted by field) if there are any: the first problem's code is the
 * error's `code`, and each problem is on its own line ending with its code.
 */
export function throwProblems(
  prefix: string,
  problems: readonly ArgProblem[],
  resource: pulumi.Resource | undefined,
): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  const lines = sorted.map((p) => `${p.message} [${p.code}]`);
  const message = lines.length === 1 ? `${prefix}: ${lines[0]}` : `${prefix}:\n  ${lines.join("\n  ")}`;
  throw new IngressKitError(
    sorted[0]!.code,
    message,
    resource,
    sorted.map((p) => p.code),
  );
}
