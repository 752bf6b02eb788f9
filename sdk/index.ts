// ingress-kit: the Pulumi components and their public types. Never imports the controller (a Pulumi program must
// not load the proxy); the matcher is its own entry, `ingress-kit/matcher`.
export {
  IngressGateway,
  type IngressGatewayArgs,
  type IngressGatewayServiceArgs,
} from "./components/ingress-gateway";
export {
  HostRoute,
  type HostRouteArgs,
  type HostRoutePath,
  type HostRouteServiceRef,
} from "./components/host-route";
export type { HostRouteTls } from "./components/tls";
export type { BackendProtocol, RouteOptions, RouteTimeouts } from "./components/route-options";
export { CONTROLLER_KINDS, type ControllerKind } from "./components/controller-kind";
export { ComponentCodes, IngressKitError } from "./components/component-error";
export { DEFAULT_BUILTIN_IMAGE, BUILTIN_IMAGE_REPOSITORY } from "./components/kinds/builtin";
export { NGINX_CHART } from "./components/kinds/nginx";
export { INGRESS_NGINX_CHART } from "./components/kinds/ingress-nginx";
export { TRAEFIK_CHART } from "./components/kinds/traefik";
export { HAPROXY_CHART } from "./components/kinds/haproxy";
export { SKIP_AWAIT } from "./components/skip-await";
/** For unit tests that run several Pulumi programs (with mocks) in one process: forget every gateway and route. */
export { resetRouteRegistry } from "./components/route-registry";
