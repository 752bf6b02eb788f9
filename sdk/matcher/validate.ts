// Validation of one Ingress, as the API server and a careful controller would do it. Returns problems, never
// throws: any value may arrive here (a YAML document, a half-written object, a 10 MB string).
import { MatcherCodes } from "./errors";
import { formatRef, quote } from "./format";
import { hostMatches, hostProblem } from "./host";
import { LEGACY_CLASS_ANNOTATION } from "./ingress-class";
import type { IngressBackend, ObjectRef, Problem, Severity } from "./types";

/** Longest rule path accepted; longer ones are certainly a mistake (no request line is that long). */
export const MAX_PATH_LENGTH = 8192;

const PATH_TYPES = ["Exact", "Prefix", "ImplementationSpecific"];
// Characters that only make sense in a regular expression; Exact and Prefix paths must not contain them.
const REGEX_CHARACTERS = /[\^$*+?()[\]{}|\\]/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The namespace/name of any object-like value ("default" namespace when unset, "<unnamed>" without a name). */
export function ingressRef(ingress: unknown): ObjectRef {
  const metadata = isRecord(ingress) && isRecord(ingress.metadata) ? ingress.metadata : {};
  const name = typeof metadata.name === "string" && metadata.name !== "" ? metadata.name : "<unnamed>";
  const namespace =
    typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : "default";
  return { namespace, name };
}

class ProblemList {
  readonly items: Problem[] = [];
  constructor(private readonly object: ObjectRef) {}
  add(severity: Severity, code: string, field: string, what: string, fix: string): void {
    this.items.push({
      code,
      severity,
      field,
      object: this.object,
      message: `Ingress ${formatRef(this.object)}: ${field} ${what}. ${fix}`,
    });
  }
}

/** The problems of one Ingress (errors and warnings). Never throws, whatever it is given. */
export function validateIngress(ingress: unknown): Problem[] {
  const ref = ingressRef(ingress);
  const problems = new ProblemList(ref);
  if (!isRecord(ingress)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "(object)",
      `is ${ingress === null ? "null" : typeof ingress}, not an object`,
      "Pass a networking.k8s.io/v1 Ingress.",
    );
    return problems.items;
  }
  if (ingress.kind !== undefined && ingress.kind !== "Ingress") {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "kind",
      `is ${quote(ingress.kind)}, not "Ingress"`,
      "Pass only Ingress objects.",
    );
    return problems.items;
  }
  const metadata = ingress.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== "string" || metadata.name === "") {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "metadata.name",
      "is missing",
      "Give the Ingress a name.",
    );
  } else if (metadata.name.length > 253 || !DNS_1123_SUBDOMAIN.test(metadata.name)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "metadata.name",
      `${quote(metadata.name)} is not a DNS subdomain`,
      "Use lowercase letters, digits, '-' and '.'.",
    );
  }
  const spec = ingress.spec;
  if (!isRecord(spec)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "spec",
      "is missing",
      "Add spec.rules or spec.defaultBackend.",
    );
    return problems.items;
  }
  validateClass(ingress, spec, problems);
  const rules = spec.rules;
  if (rules !== undefined && rules !== null && !Array.isArray(rules)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "spec.rules",
      "is not a list",
      "Write spec.rules as a list of rules.",
    );
  }
  const ruleList = Array.isArray(rules) ? rules : [];
  if (ruleList.length === 0 && spec.defaultBackend === undefined) {
    problems.add(
      "error",
      MatcherCodes.NO_RULES,
      "spec",
      "has neither rules nor a defaultBackend",
      "Add spec.rules or spec.defaultBackend.",
    );
  }
  if (spec.defaultBackend !== undefined) {
    validateBackend(spec.defaultBackend, "spec.defaultBackend", problems);
  }
  const ruleHosts = new Set<string>();
  ruleList.forEach((rule, r) => validateRule(rule, `spec.rules[${r}]`, problems, ruleHosts));
  validateTls(spec.tls, problems, ruleHosts);
  return problems.items;
}

function validateClass(
  ingress: Record<string, unknown>,
  spec: Record<string, unknown>,
  problems: ProblemList,
): void {
  const className = spec.ingressClassName;
  if (
    className !== undefined &&
    className !== null &&
    (typeof className !== "string" || !DNS_1123_SUBDOMAIN.test(className))
  ) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      "spec.ingressClassName",
      `${quote(className)} is not a valid IngressClass name`,
      "Use the name of an IngressClass.",
    );
    return;
  }
  const annotations = isRecord(ingress.metadata) ? ingress.metadata.annotations : undefined;
  const legacy = isRecord(annotations) ? annotations[LEGACY_CLASS_ANNOTATION] : undefined;
  if (typeof className === "string" && typeof legacy === "string" && legacy !== className) {
    problems.add(
      "warning",
      MatcherCodes.CLASS_MISMATCH,
      `metadata.annotations["${LEGACY_CLASS_ANNOTATION}"]`,
      `is ${quote(legacy)} but spec.ingressClassName is ${quote(className)}; the field wins`,
      "Remove the deprecated annotation.",
    );
  }
}

function validateRule(rule: unknown, field: string, problems: ProblemList, ruleHosts: Set<string>): void {
  if (!isRecord(rule)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      field,
      "is not an object",
      "Write each rule as { host, http: { paths } }.",
    );
    return;
  }
  const host = rule.host;
  if (host !== undefined && host !== null && host !== "") {
    if (typeof host !== "string") {
      problems.add(
        "error",
        MatcherCodes.INVALID_HOST,
        `${field}.host`,
        `is ${typeof host}, not a string`,
        "Write the host as a DNS name.",
      );
    } else {
      const why = hostProblem(host);
      if (why) {
        problems.add(
          "error",
          MatcherCodes.INVALID_HOST,
          `${field}.host`,
          `${quote(host)} ${why}`,
          'Use a DNS name such as "shop.example.com" or "*.example.com".',
        );
      } else ruleHosts.add(host);
    }
  } else {
    ruleHosts.add("");
  }
  const http = rule.http;
  if (http === undefined || http === null) {
    if (typeof host === "string" && host !== "") {
      problems.add(
        "warning",
        MatcherCodes.EMPTY_RULE,
        field,
        `for host ${quote(host)} has no http paths and routes nothing`,
        "Add http.paths or remove the rule.",
      );
    }
    return;
  }
  if (!isRecord(http) || !Array.isArray(http.paths)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      `${field}.http.paths`,
      "is not a list",
      "Write http.paths as a list of { path, pathType, backend }.",
    );
    return;
  }
  if (http.paths.length === 0) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      `${field}.http.paths`,
      "is empty",
      "Add at least one path, or remove http.",
    );
  }
  http.paths.forEach((entry: unknown, p: number) =>
    validatePath(entry, `${field}.http.paths[${p}]`, problems),
  );
}

function validatePath(entry: unknown, field: string, problems: ProblemList): void {
  if (!isRecord(entry)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_OBJECT,
      field,
      "is not an object",
      "Write each path as { path, pathType, backend }.",
    );
    return;
  }
  const pathType = entry.pathType;
  if (typeof pathType !== "string" || !PATH_TYPES.includes(pathType)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_PATH_TYPE,
      `${field}.pathType`,
      pathType === undefined ? "is missing" : `is ${quote(pathType)}`,
      'Set it to "Prefix", "Exact" or "ImplementationSpecific".',
    );
  }
  const path = entry.path;
  if (path === undefined || path === "") {
    if (pathType !== "ImplementationSpecific") {
      problems.add(
        "error",
        MatcherCodes.INVALID_PATH,
        `${field}.path`,
        "is missing",
        'Set a path that starts with "/", such as "/".',
      );
    }
  } else if (typeof path !== "string") {
    problems.add(
      "error",
      MatcherCodes.INVALID_PATH,
      `${field}.path`,
      `is ${typeof path}, not a string`,
      'Write the path as a string that starts with "/".',
    );
  } else if (path.length > MAX_PATH_LENGTH) {
    problems.add(
      "error",
      MatcherCodes.INVALID_PATH,
      `${field}.path`,
      `is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}`,
      "Use a shorter path.",
    );
  } else if (path.charCodeAt(0) !== 47) {
    problems.add(
      "error",
      MatcherCodes.INVALID_PATH,
      `${field}.path`,
      `${quote(path)} does not start with "/"`,
      `Write it as ${quote("/" + path)}.`,
    );
  } else if (hasWhitespaceOrControl(path)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_PATH,
      `${field}.path`,
      `${quote(path)} contains white space or a control character`,
      "Percent-encode it or remove it.",
    );
  } else if (REGEX_CHARACTERS.test(path)) {
    if (pathType === "ImplementationSpecific") {
      problems.add(
        "warning",
        MatcherCodes.REGEX_AS_PREFIX,
        `${field}.path`,
        `${quote(path)} looks like a regular expression; Ingress Kit matches ImplementationSpecific paths as a literal prefix`,
        "Use Prefix or Exact paths, one per route.",
      );
    } else if (typeof pathType === "string" && PATH_TYPES.includes(pathType)) {
      problems.add(
        "error",
        MatcherCodes.INVALID_PATH,
        `${field}.path`,
        `${quote(path)} contains regular-expression characters, which ${pathType} paths do not allow`,
        "Remove them, or split the route into plain Prefix or Exact paths.",
      );
    }
  }
  if (entry.backend === undefined || entry.backend === null) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.backend`,
      "is missing",
      "Set backend.service.name and backend.service.port.",
    );
  } else {
    validateBackend(entry.backend, `${field}.backend`, problems);
  }
}

function validateBackend(backend: unknown, field: string, problems: ProblemList): void {
  if (!isRecord(backend)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      field,
      "is not an object",
      "Write it as { service: { name, port: { number } } }.",
    );
    return;
  }
  const { service, resource } = backend as IngressBackend & Record<string, unknown>;
  if (service !== undefined && resource !== undefined) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      field,
      "sets both service and resource",
      "Keep one of them.",
    );
    return;
  }
  if (service === undefined && resource === undefined) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      field,
      "sets neither service nor resource",
      "Set service.name and service.port.",
    );
    return;
  }
  if (resource !== undefined) {
    if (
      !isRecord(resource) ||
      typeof resource.kind !== "string" ||
      resource.kind === "" ||
      typeof resource.name !== "string" ||
      resource.name === ""
    ) {
      problems.add(
        "error",
        MatcherCodes.INVALID_BACKEND,
        `${field}.resource`,
        "needs a kind and a name",
        "Set resource.kind and resource.name.",
      );
    }
    return;
  }
  if (!isRecord(service)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.service`,
      "is not an object",
      "Write it as { name, port: { number } }.",
    );
    return;
  }
  const name = service.name;
  if (typeof name !== "string" || name === "") {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.service.name`,
      "is missing",
      "Name the Service.",
    );
  } else if (name.length > 63 || !DNS_1035_LABEL.test(name)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.service.name`,
      `${quote(name)} is not a valid Service name`,
      "Use at most 63 lowercase letters, digits and '-', starting with a letter.",
    );
  }
  const port = service.port;
  if (!isRecord(port)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.service.port`,
      "is missing",
      "Set port.number (1-65535) or port.name.",
    );
    return;
  }
  const hasNumber = port.number !== undefined && port.number !== null;
  const hasName = port.name !== undefined && port.name !== null && port.name !== "";
  if (hasNumber && hasName) {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.service.port`,
      "sets both number and name",
      "Keep one of them.",
    );
  } else if (hasNumber) {
    const n = port.number;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 65535) {
      problems.add(
        "error",
        MatcherCodes.INVALID_BACKEND,
        `${field}.service.port.number`,
        `is ${quote(n)}`,
        "Use a port number from 1 to 65535.",
      );
    }
  } else if (hasName) {
    const n = port.name;
    if (
      typeof n !== "string" ||
      n.length > 15 ||
      !IANA_SVC_NAME.test(n) ||
      !/[a-z]/.test(n) ||
      n.includes("--")
    ) {
      problems.add(
        "error",
        MatcherCodes.INVALID_BACKEND,
        `${field}.service.port.name`,
        `${quote(n)} is not a valid port name`,
        "Use the name of a Service port (at most 15 lowercase letters, digits and '-').",
      );
    }
  } else {
    problems.add(
      "error",
      MatcherCodes.INVALID_BACKEND,
      `${field}.service.port`,
      "sets neither number nor name",
      "Set port.number (1-65535) or port.name.",
    );
  }
}

function validateTls(tls: unknown, problems: ProblemList, ruleHosts: Set<string>): void {
  if (tls === undefined || tls === null) return;
  if (!Array.isArray(tls)) {
    problems.add(
      "error",
      MatcherCodes.INVALID_TLS,
      "spec.tls",
      "is not a list",
      "Write spec.tls as a list of { hosts, secretName }.",
    );
    return;
  }
  tls.forEach((entry: unknown, t: number) => {
    const field = `spec.tls[${t}]`;
    if (!isRecord(entry)) {
      problems.add(
        "error",
        MatcherCodes.INVALID_TLS,
        field,
        "is not an object",
        "Write it as { hosts, secretName }.",
      );
      return;
    }
    const secretName = entry.secretName;
    if (
      secretName !== undefined &&
      secretName !== null &&
      (typeof secretName !== "string" || secretName.length > 253 || !DNS_1123_SUBDOMAIN.test(secretName))
    ) {
      problems.add(
        "error",
        MatcherCodes.INVALID_TLS,
        `${field}.secretName`,
        `${quote(secretName)} is not a valid Secret name`,
        "Name a kubernetes.io/tls Secret in the Ingress's namespace.",
      );
    }
    const hosts = entry.hosts;
    if (hosts === undefined || hosts === null) return;
    if (!Array.isArray(hosts)) {
      problems.add(
        "error",
        MatcherCodes.INVALID_TLS,
        `${field}.hosts`,
        "is not a list",
        "Write hosts as a list of DNS names.",
      );
      return;
    }
    hosts.forEach((host: unknown, h: number) => {
      if (typeof host !== "string") {
        problems.add(
          "error",
          MatcherCodes.INVALID_TLS,
          `${field}.hosts[${h}]`,
          `is ${typeof host}, not a string`,
          "Write the host as a DNS name.",
        );
        return;
      }
      const why = hostProblem(host);
      if (why) {
        problems.add(
          "error",
          MatcherCodes.INVALID_TLS,
          `${field}.hosts[${h}]`,
          `${quote(host)} ${why}`,
          'Use a DNS name such as "shop.example.com" or "*.example.com".',
        );
      } else if (!ruleHosts.has("") && ![...ruleHosts].some((r) => r === host || hostMatches(host, r))) {
        problems.add(
          "warning",
          MatcherCodes.TLS_HOST_WITHOUT_RULE,
          `${field}.hosts[${h}]`,
          `${quote(host)} has no rule in this Ingress`,
          "Add a rule for the host or remove it from tls.",
        );
      }
    });
  });
}

function hasWhitespaceOrControl(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}
