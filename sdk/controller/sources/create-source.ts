// The source the `ingress-kit controller` flags ask for: `--manifests PATH` reads files, anything else the
// Kubernetes API (in-cluster config or kubeconfig, optionally one `--namespace`).
import type { Logger } from "pino";
import { FileSource } from "./file-source";
import type { ObjectSource } from "./source";

export interface SourceFlags {
  /** `--manifests PATH`: a file or folder of manifests instead of the cluster. */
  readonly manifests?: string;
  /** `--kubeconfig PATH`; default `$KUBECONFIG`, `~/.kube/config`, then the in-cluster service account. */
  readonly kubeconfig?: string;
  /** `--context NAME` of the kubeconfig. */
  readonly context?: string;
  /** `--namespace NAME`: watch one namespace only. */
  readonly namespace?: string;
  readonly logger: Logger;
}

/**
 * Rejects with KubeConfigError (with a stable `code`) when no cluster configuration can be found. The Kubernetes
 * client is loaded only when it is used: in `--manifests` mode it would be most of the controller's heap.
 */
export async function createObjectSource(flags: SourceFlags): Promise<ObjectSource> {
  if (flags.manifests !== undefined) return new FileSource({ path: flags.manifests, logger: flags.logger });
  const { loadKubeConfig } = await import("./kube-config.js");
  const { KubeSource } = await import("./kube-source.js");
  const kubeConfig = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
  return new KubeSource({ kubeConfig, logger: flags.logger, namespace: flags.namespace });
}
