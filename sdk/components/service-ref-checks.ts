// Checks of a `{ name, port }` backend's values: at construction for the plain ones, and once known (inside an
// `apply`) for those given as Outputs, with the same codes and wording either way. The Service name's syntax is
// the matcher's to judge.
import * as pulumi from "@pulumi/pulumi";
import { MatcherCodes, validateIngress } from "../matcher";
import { throwProblems, type ArgProblem } from "./component-error";

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Adds a problem when `port` is neither a port number (1 to 65535) nor a port name. Outputs are skipped. */
export function checkPort(port: unknown, field: string, problems: ArgProblem[]): void {
  if (port === undefined || pulumi.Output.isInstance(port)) return;
  if (typeof port === "number") {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push({
        code: MatcherCodes.INVALID_BACKEND,
        field,
        message: `${field} ${port} is not a port number. Use a whole number from 1 to 65535, or a port name.`,
      });
    }
  } else if (typeof port !== "string" || port.length > 15 || !PORT_NAME.test(port)) {
    problems.push({
      code: MatcherCodes.INVALID_BACKEND,
      field,
      message:
        `${field} ${JSON.stringify(port)} is neither a port number nor a port name. Use 1 to 65535, or a name of at ` +
        `most 15 lowercase letters, digits and "-".`,
    });
  }
}

/** The problems of a Service name (empty, or not a DNS-1035 label, as the matcher judges it). */
export function findServiceNameProblems(name: unknown, field: string): ArgProblem[] {
  if (typeof name !== "string" || name.trim() === "") {
    const what = typeof name === "string" ? "is empty" : "is not a string";
    return [
      {
        code: MatcherCodes.INVALID_BACKEND,
        field,
        message: `${field} ${JSON.stringify(name) ?? "undefined"} ${what}. Name the backend Service.`,
      },
    ];
  }
  const probe = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "probe", namespace: "default" },
    spec: { defaultBackend: { service: { name, port: { number: 80 } } } },
  };
  const matcherField = "spec.defaultBackend.service.name";
  return validateIngress(probe)
    .filter((p) => p.severity === "error" && p.field === matcherField)
    .map((p) => {
      const at = p.message.indexOf(matcherField);
      const rest = at >= 0 ? p.message.slice(at + matcherField.length) : `: ${p.message}`;
      return { code: p.code, field, message: `${field}${rest}` };
    });
}

/**
 * Checks the values of a `{ name, port }` backend given as Outputs, once they are known: throws an IngressKitError
 * (`ERR_INVALID_BACKEND`) naming `field` (e.g. `paths[1]`) when the name is not a Service name or the port is
 * neither a port number nor a port name. Called inside an `apply`, so it runs during `pulumi up`; in a preview the
 * value of an Output that depends on a resource is unknown and the check cannot run.
 */
export function checkKnownServiceRef(
  routeName: string,
  field: string,
  name: unknown,
  port: unknown,
  resource: pulumi.Resource | undefined,
): void {
  const problems = findServiceNameProblems(name, `${field}.service.name`);
  if (port === undefined || port === null || port === "") {
    problems.push({
      code: MatcherCodes.INVALID_BACKEND,
      field: `${field}.service.port`,
      message: `${field}.service.port is missing. Set the Service port number or name.`,
    });
  } else {
    checkPort(port, `${field}.service.port`, problems);
  }
  throwProblems(`HostRoute "${routeName}"`, problems, resource);
}
