// The annotation dialect of each controller kind, by kind: what HostRoute uses to write its typed options.
import type { ControllerKind, RouteDialect } from "./controller-kind";
import { builtinDialect } from "./kinds/builtin";
import { haproxyDialect } from "./kinds/haproxy";
import { ingressNginxDialect } from "./kinds/ingress-nginx";
import { nginxDialect } from "./kinds/nginx";
import { traefikDialect } from "./kinds/traefik";

const DIALECTS: Record<ControllerKind, RouteDialect> = {
  nginx: nginxDialect,
  "ingress-nginx": ingressNginxDialect,
  traefik: traefikDialect,
  haproxy: haproxyDialect,
  builtin: builtinDialect,
};

/** The dialect of a controller kind. */
export function dialectFor(kind: ControllerKind): RouteDialect {
  return DIALECTS[kind];
}
