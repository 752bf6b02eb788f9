// The children of a HostRoute, once its arguments and the matcher are satisfied: the TLS Secret (self-signed),
// whatever the controller's dialect creates (Traefik Middlewares, companion Services), and the Ingress itself.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { DialectPath } from "./controller-kind";
import type { HostRouteArgs } from "./host-route";
import { backendOf, ingressPort, resolveNamespace } from "./route-backends";
import { dialectFor } from "./route-dialects";
import type { ResolvedRouteArgs } from "./route-validation";
import { ingressSkipsAwait, SKIP_AWAIT } from "./skip-await";
import { createRouteCertificate, createTlsSecret } from "./tls";

/**
 * Creates the route's Ingress (and TLS Secret for `selfSigned`) as children of `parent`. `namedTlsSecret` is the
 * Secret a `secretName` or cert-manager route uses.
 */
export function createRouteIngress(
  name: string,
  parent: pulumi.Resource,
  args: HostRouteArgs,
  r: ResolvedRouteArgs,
  namedTlsSecret: string | undefined,
): { ingress: k8s.networking.v1.Ingress; tlsSecret: k8s.core.v1.Secret | undefined } {
  const namespace = resolveNamespace(args);
  const gatewayDeps = r.gateway.resource ? [r.gateway.resource] : [];
  let tlsSecret: k8s.core.v1.Secret | undefined;
  let tlsSecretName: pulumi.Input<string> | undefined;
  if (args.tls?.selfSigned) {
    const certificate = createRouteCertificate(name, parent, r.host, r.gateway.entry?.ca);
    tlsSecret = createTlsSecret(name, parent, namespace, certificate);
    tlsSecretName = tlsSecret.metadata.name;
  } else {
    tlsSecretName = namedTlsSecret;
  }
  const dialectPaths: DialectPath[] = args.paths.map((p, i) => ({
    path: r.paths[i]!.path,
    pathType: r.paths[i]!.pathType,
    backend: backendOf(name, `paths[${i}]`, p, namespace, parent),
  }));
  const dialect = r.gateway.controller ? dialectFor(r.gateway.controller) : undefined;
  const built = dialect?.buildRoute({
    routeName: name,
    ingressClassName: r.gateway.ingressClassName,
    namespace,
    options: args,
    paths: dialectPaths,
    hasTls: args.tls !== undefined,
    parent,
    dependsOn: gatewayDeps,
  }) ?? { annotations: {} };

  const annotations: Record<string, pulumi.Input<string>> = { ...built.annotations };
  if (args.tls?.clusterIssuer) annotations["cert-manager.io/cluster-issuer"] = args.tls.clusterIssuer;
  if (ingressSkipsAwait(r.gateway.entry?.publishesAddress ?? false, args.skipAwait)) {
    annotations[SKIP_AWAIT] = "true";
  }
  Object.assign(annotations, args.annotations ?? {});

  const ingress = new k8s.networking.v1.Ingress(
    name,
    {
      metadata: { namespace, annotations },
      spec: {
        ingressClassName: r.gateway.ingressClassName,
        rules: [
          {
            host: r.host,
            http: {
              paths: dialectPaths.map((p, i) => {
                const backend = built.backends?.[i] ?? p.backend;
                return {
                  path: built.paths?.[i]?.path ?? p.path,
                  pathType: built.paths?.[i]?.pathType ?? p.pathType,
                  backend: { service: { name: backend.serviceName, port: ingressPort(backend.port) } },
                };
              }),
            },
          },
        ],
        ...(tlsSecretName !== undefined ? { tls: [{ hosts: [r.host], secretName: tlsSecretName }] } : {}),
      },
    },
    { parent, dependsOn: gatewayDeps },
  );
  return { ingress, tlsSecret };
}
