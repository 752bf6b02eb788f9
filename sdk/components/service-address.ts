// The `address` output of a Helm-deployed gateway: read from the controller's Service once the chart exists.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The first load balancer IP or hostname of a Service status, or undefined. */
export function addressOf(status: k8s.types.output.core.v1.ServiceStatus | undefined): string | undefined {
  const first = status?.loadBalancer?.ingress?.[0];
  return first?.ip || first?.hostname || undefined;
}

/**
 * The address of a chart's Service, read after the chart during an update. During preview the Service may not
 * exist yet, so the address is unknown there; `pulumi up` fills it in. Only LoadBalancer Services get one.
 */
export function readServiceAddress(
  name: string,
  namespace: string,
  serviceName: string,
  serviceType: string,
  parent: pulumi.Resource,
  after: pulumi.Resource,
): pulumi.Output<string | undefined> {
  if (serviceType !== "LoadBalancer") return pulumi.output(undefined);
  // During preview the Service may not exist yet: the address is shown as unknown and read by `pulumi up`.
  if (pulumi.runtime.isDryRun()) return pulumi.output(pulumi.unknown as unknown as string | undefined);
  const service = k8s.core.v1.Service.get(`${name}-service`, `${namespace}/${serviceName}`, {
    parent,
    dependsOn: [after],
  });
  return service.status.apply((status) => addressOf(status));
}
