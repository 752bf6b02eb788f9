// HostRoute: one host's paths on one gateway, as one networking.k8s.io/v1 Ingress (plus its TLS Secret and, for
// some controllers, Middlewares). Its host and paths are checked by the shared matcher at preview: invalid values
// and conflicts with the program's other routes on the same gateway fail before anything reaches the cluster.
// The work is in plain functions: route-validation.ts (arguments), route-check.ts (matcher and conflicts),
// route-backends.ts (Services and ports), route-dialects.ts (the controller's annotations), tls.ts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { throwProblems } from "./component-error";
import type { IngressGateway } from "./ingress-gateway";
import { checkRoute } from "./route-check";
import { createRouteIngress } from "./route-ingress";
import type { RouteOptions } from "./route-options";
import { validateHostRouteArgs } from "./route-validation";
import type { HostRouteTls } from "./tls";

/** A backend Service by name. Ingress backends live in the Ingress's namespace. */
export interface HostRouteServiceRef {
  /**
   * Service name. May be an Output: it is then checked as soon as it is known, during `pulumi up`, failing with
   * `ERR_INVALID_BACKEND` like a plain value; in a preview an Output that depends on a resource is unknown, so the
   * check cannot run there.
   */
  name: pulumi.Input<string>;
  /**
   * Service port: a number (1 to 65535) or a port name. May be an Output: checked once known, as `name` is (not in a
   * preview, where its value is unknown).
   */
  port: pulumi.Input<number | string>;
  /** The Service's namespace; the route's Ingress goes there too. Default: the route's `namespace`. */
  namespace?: pulumi.Input<string>;
}

/** @see https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types */
export interface HostRoutePath {
  /**
   * The path, starting with "/". A plain string, not an Input: the conflict check must see it during preview,
   * where an unknown Output's callbacks never run.
   */
  path: string;
  /**
   * `"Prefix"` (default: whole "/"-separated elements), `"Exact"` or `"ImplementationSpecific"` (matched as Prefix
   * by the conflict check). A plain string, not an Input, for the same reason as `path`.
   */
  pathType?: string;
  /** The backend: a `k8s.core.v1.Service` of this program, or `{ name, port }`. */
  service: k8s.core.v1.Service | HostRouteServiceRef;
  /**
   * With a Service resource: its port to use, by number or name, checked against the Service's ports once known.
   * Default: the Service's only port (a Service with several ports needs this).
   */
  port?: number | string;
}

export interface HostRouteArgs extends RouteOptions {
  /**
   * The IngressGateway, or the name of its IngressClass (a plain string, e.g. for a gateway of another program or
   * stack). Routes are checked for conflicts against the program's other routes of the same class only.
   */
  gateway: IngressGateway | string;
  /**
   * The gateway's controller kind, needed only when `gateway` is a class name not declared in this program and
   * the route uses typed options (the dialect depends on it). One of "nginx", "ingress-nginx", "traefik",
   * "haproxy", "builtin".
   */
  controller?: string;
  /**
   * The host, e.g. "shop.example.com" or "*.example.com" (a wildcard covers exactly one leftmost label).
   * A plain string, not an Input: the conflict check must see it during preview, where an unknown Output's
   * callbacks never run. @see https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
   */
  host: string;
  /** The paths of the host, at least one. */
  paths: HostRoutePath[];
  /**
   * Namespace of the Ingress (and TLS Secret). Default: the backend Services' namespace, else "default". An Output
   * is unknown to the conflict check: the route's backends then count as different from those of any other
   * namespace (except routes given the same Output), so a shared host and path is a conflict, not a duplicate.
   */
  namespace?: pulumi.Input<string>;
  /** Extra Ingress annotations, written as given (they win over those the typed options produce). */
  annotations?: Record<string, pulumi.Input<string>>;
  /** TLS for the host: `{ selfSigned: true }`, `{ secretName }` or `{ clusterIssuer }`. Default: none. */
  tls?: HostRouteTls;
  /**
   * Skip Pulumi's wait for the Ingress to get a load balancer address. Default: skipped unless the gateway is in this
   * program and its Service is a LoadBalancer (whose address its controller publishes) with `awaitAddress` not false.
   */
  skipAwait?: boolean;
}

/**
 * One host's paths on a gateway: a networking.k8s.io/v1 Ingress of the gateway's IngressClass, with TLS and typed
 * options in the gateway controller's dialect. Conflicts with the program's other routes on the gateway fail the
 * preview, naming both routes.
 */
export class HostRoute extends pulumi.ComponentResource {
  /** The generated Ingress. */
  public readonly ingress: k8s.networking.v1.Ingress;
  /** The `kubernetes.io/tls` Secret created for `tls: { selfSigned: true }`; undefined otherwise. */
  public readonly tlsSecret: k8s.core.v1.Secret | undefined;

  constructor(name: string, args: HostRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ingress-kit:index:HostRoute", name, {}, opts);
    const { problems, resolved } = validateHostRouteArgs(args ?? ({} as HostRouteArgs));
    throwProblems(`HostRoute "${name}"`, problems, this);
    const r = resolved!;

    // The matcher's view: the route as written, checked and added to its gateway's conflict index.
    const checked = checkRoute(name, args, r, this);

    // Children: the TLS Secret, the dialect's extra resources, the Ingress.
    const created = createRouteIngress(name, this, args, r, checked.tlsSecretName);
    this.ingress = created.ingress;
    this.tlsSecret = created.tlsSecret;
    this.registerOutputs({ ingress: this.ingress, tlsSecret: this.tlsSecret });
  }
}
