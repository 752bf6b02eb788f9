// Checks a HostRoute's arguments before any child exists: types, the gateway and its controller, ports, TLS and
// the typed options (including what the gateway's controller cannot express). Host and path syntax is the
// matcher's to judge (route-check.ts).
import * as pulumi from "@pulumi/pulumi";
import { MatcherCodes, type PathType } from "../matcher";
import { ComponentCodes, type ArgProblem } from "./component-error";
import {
  CONTROLLER_KINDS,
  isControllerKind,
  type ControllerKind,
  type DialectPathShape,
} from "./controller-kind";
import type { HostRouteArgs, HostRouteServiceRef } from "./host-route";
import { IngressGateway } from "./ingress-gateway";
import { isService } from "./route-backends";
import { dialectFor } from "./route-dialects";
import { setOptions, validateRouteOptions } from "./route-options";
import { checkPort, findServiceNameProblems } from "./service-ref-checks";
import { findGateway, type GatewayEntry } from "./route-registry";

const PATH_TYPES: readonly string[] = ["Exact", "Prefix", "ImplementationSpecific"];

/** How the route's gateway resolved. */
export interface ResolvedGateway {
  readonly ingressClassName: string;
  /** How messages name it. */
  readonly label: string;
  readonly entry?: GatewayEntry;
  readonly controller?: ControllerKind;
  readonly resource?: IngressGateway;
}

/** Arguments validated, with defaults applied. */
export interface ResolvedRouteArgs {
  readonly gateway: ResolvedGateway;
  readonly host: string;
  readonly paths: readonly DialectPathShape[];
  /** The namespace when known as a plain string. */
  readonly plainNamespace?: string;
}

const outputHint = (field: string): string =>
  `${field} is an Output; it must be a plain string so that conflicts are checked during preview, where Output ` +
  `values are unknown. Pass the value itself.`;

function resolveGateway(args: HostRouteArgs, problems: ArgProblem[]): ResolvedGateway | undefined {
  const { gateway } = args;
  const bad = (message: string): undefined => {
    problems.push({ code: ComponentCodes.INVALID_GATEWAY, field: "gateway", message });
    return undefined;
  };
  let resolved: ResolvedGateway | undefined;
  if (gateway instanceof IngressGateway) {
    const entry = findGateway(gateway);
    if (!entry) {
      return bad("gateway is an IngressGateway that failed to register. Fix that gateway's error first.");
    }
    resolved = {
      ingressClassName: entry.ingressClassName,
      label: entry.gatewayName,
      entry,
      controller: entry.controller,
      resource: gateway,
    };
  } else if (typeof gateway === "string") {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(gateway) || gateway.length > 253) {
      return bad(
        `gateway ${JSON.stringify(gateway)} is not an IngressClass name. Pass the IngressGateway, or the name of ` +
          `its IngressClass (lowercase letters, digits, "-" and ".").`,
      );
    }
    const entry = findGateway(gateway);
    resolved = entry
      ? { ingressClassName: gateway, label: entry.gatewayName, entry, controller: entry.controller }
      : { ingressClassName: gateway, label: gateway };
  } else if (pulumi.Output.isInstance(gateway)) {
    return bad(
      `gateway is an Output (such as a StackReference output for a gateway of another stack). Pass the ` +
        `IngressClass name as a plain string, e.g. gateway: await stackRef.getOutputValue("ingressClassName"), ` +
        `together with controller: "<kind>".`,
    );
  } else {
    return bad(
      `gateway ${JSON.stringify(gateway) ?? String(gateway)} is neither an IngressGateway nor an IngressClass name. ` +
        `Pass the IngressGateway, or its ingressClassName as a plain string.`,
    );
  }
  if (args.controller !== undefined) {
    if (!isControllerKind(args.controller)) {
      problems.push({
        code: ComponentCodes.UNKNOWN_CONTROLLER,
        field: "controller",
        message:
          `controller ${JSON.stringify(args.controller)} is not a controller Ingress Kit knows. Use one of ` +
          `${CONTROLLER_KINDS.map((k) => `"${k}"`).join(", ")}.`,
      });
      return undefined;
    }
    if (resolved.controller !== undefined && resolved.controller !== args.controller) {
      problems.push({
        code: ComponentCodes.INVALID_GATEWAY,
        field: "controller",
        message:
          `controller "${args.controller}" does not match gateway "${resolved.label}", which runs ` +
          `"${resolved.controller}". Remove controller; it is only needed for gateways of another program.`,
      });
      return undefined;
    }
    resolved = { ...resolved, controller: args.controller };
  }
  return resolved;
}

/** Validates the HostRoute arguments that need no matcher: types, gateway, ports, TLS, options. */
export function validateHostRouteArgs(args: HostRouteArgs): {
  problems: ArgProblem[];
  resolved?: ResolvedRouteArgs;
} {
  const problems: ArgProblem[] = [];
  const bad = (field: string, message: string, code: string = ComponentCodes.INVALID_ARGUMENT): void => {
    problems.push({ code, field, message });
  };
  const gateway = resolveGateway(args, problems);
  const host: unknown = args.host;
  if (pulumi.Output.isInstance(host)) bad("host", outputHint("host"), MatcherCodes.INVALID_HOST);
  else if (typeof host !== "string" || host.trim() === "") {
    bad(
      "host",
      `host ${JSON.stringify(host) ?? "undefined"} is empty. A HostRoute routes one host: set host, e.g. "shop.example.com".`,
      MatcherCodes.INVALID_HOST,
    );
  }
  const paths: DialectPathShape[] = [];
  const plainNamespaces = new Set<string>();
  if (typeof args.namespace === "string") plainNamespaces.add(args.namespace);
  if (!Array.isArray(args.paths) || args.paths.length === 0) {
    bad(
      "paths",
      `paths is empty. Give at least one path, e.g. [{ path: "/", service }].`,
      MatcherCodes.INVALID_PATH,
    );
  } else {
    args.paths.forEach((p, i) => {
      const at = `paths[${i}]`;
      const path: unknown = p?.path;
      const pathType: unknown = p?.pathType ?? "Prefix";
      if (pulumi.Output.isInstance(path)) {
        bad(`${at}.path`, outputHint(`${at}.path`), MatcherCodes.INVALID_PATH);
      } else if (typeof path !== "string") {
        bad(`${at}.path`, `${at}.path is missing. Set a path starting with "/".`, MatcherCodes.INVALID_PATH);
      }
      if (pulumi.Output.isInstance(pathType)) {
        bad(`${at}.pathType`, outputHint(`${at}.pathType`), MatcherCodes.INVALID_PATH_TYPE);
      } else if (typeof pathType !== "string" || !PATH_TYPES.includes(pathType)) {
        bad(
          `${at}.pathType`,
          `${at}.pathType ${JSON.stringify(pathType)} is not a pathType. Use "Prefix", "Exact" or "ImplementationSpecific".`,
          MatcherCodes.INVALID_PATH_TYPE,
        );
      }
      const service: unknown = p?.service;
      if (isService(service)) {
        checkPort(p.port, `${at}.port`, problems);
      } else if (typeof service === "object" && service !== null && "name" in service) {
        const ref = service as HostRouteServiceRef;
        if (typeof ref.name === "string" && ref.name.trim() === "") {
          bad(
            `${at}.service.name`,
            `${at}.service.name is empty. Name the backend Service.`,
            MatcherCodes.INVALID_BACKEND,
          );
        } else if (typeof ref.name !== "string" && !isInputObject(ref.name)) {
          problems.push(...findServiceNameProblems(ref.name, `${at}.service.name`));
        }
        if (ref.port === undefined) {
          bad(
            `${at}.service.port`,
            `${at}.service.port is missing. Set the Service port number or name.`,
            MatcherCodes.INVALID_BACKEND,
          );
        }
        checkPort(ref.port, `${at}.service.port`, problems);
        if (p.port !== undefined) {
          bad(`${at}.port`, `${at}.port is for Service resources. Set ${at}.service.port instead.`);
        }
        if (typeof ref.namespace === "string") plainNamespaces.add(ref.namespace);
      } else {
        bad(
          `${at}.service`,
          `${at}.service is neither a k8s.core.v1.Service nor { name, port }. Pass one of those.`,
          MatcherCodes.INVALID_BACKEND,
        );
      }
      if (typeof path === "string" && typeof pathType === "string") {
        paths.push({ path, pathType: pathType as PathType, serviceIsResource: isService(service) });
      }
    });
  }
  if (plainNamespaces.size > 1) {
    const listed = [...plainNamespaces]
      .sort()
      .map((n) => `"${n}"`)
      .join(", ");
    bad(
      "namespace",
      `the route's namespace and backends name namespaces ${listed}, but an Ingress reaches Services of its own ` +
        `namespace only. Use one namespace per route (split the route).`,
      MatcherCodes.INVALID_BACKEND,
    );
  }
  const tls = args.tls;
  if (tls !== undefined) {
    const set = (["selfSigned", "secretName", "clusterIssuer"] as const).filter(
      (k) => tls[k] !== undefined && tls[k] !== false,
    );
    const issuerWithName = set.length === 2 && set.includes("clusterIssuer") && set.includes("secretName");
    if (set.length === 0 || (set.length > 1 && !issuerWithName)) {
      bad(
        "tls",
        `tls sets ${set.length === 0 ? "nothing" : set.map((k) => `"${k}"`).join(" and ")}. Set exactly one of ` +
          `selfSigned: true, secretName or clusterIssuer (clusterIssuer may name its secretName).`,
        MatcherCodes.INVALID_TLS,
      );
    }
    for (const key of ["secretName", "clusterIssuer"] as const) {
      const value: unknown = tls[key];
      if (
        value !== undefined &&
        (typeof value !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value))
      ) {
        bad(
          `tls.${key}`,
          `tls.${key} ${JSON.stringify(value)} is not an object name. Use lowercase letters, digits, "-" and ".".`,
          MatcherCodes.INVALID_TLS,
        );
      }
    }
  }
  problems.push(...validateRouteOptions(args));
  const options = setOptions(args);
  if (gateway && gateway.controller === undefined && options.length > 0) {
    bad(
      "controller",
      `gateway "${gateway.label}" is not an IngressGateway of this program, so its controller is unknown and options ` +
        `${options.map((o) => `"${o}"`).join(", ")} cannot be translated. Add controller: "<kind>" (the gateway's ` +
        `controller), or pass the IngressGateway itself.`,
      ComponentCodes.INVALID_GATEWAY,
    );
  }
  if (gateway?.controller !== undefined) {
    problems.push(...dialectFor(gateway.controller).findUnsupportedOptions(args, paths));
  }
  if (problems.length > 0 || !gateway) return { problems };
  const plainNamespace =
    plainNamespaces.size === 1
      ? [...plainNamespaces][0]!
      : args.namespace === undefined && allRefsWithoutNamespace(args)
        ? "default"
        : undefined;
  return {
    problems,
    resolved: {
      gateway,
      host: (host as string).trim(),
      paths,
      ...(plainNamespace !== undefined ? { plainNamespace } : {}),
    },
  };
}

function allRefsWithoutNamespace(args: HostRouteArgs): boolean {
  return args.paths.every((p) => !isService(p.service) && p.service.namespace === undefined);
}

/** An Output or a Promise: a value only known later. */
function isInputObject(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}
