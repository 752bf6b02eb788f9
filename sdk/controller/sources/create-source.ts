// The source the `ingress-kit controller` flags ask for: `--manifests PATH` reads files, anything else the
// Kubernetes API (in-cluster config or kubeconfig, optionally one `--namespace`).
import type { Logger } from "pino";
import { FileSource } from "./file-source";
import { loadKubeConfig } from "./kube-config";
import { KubeSource } from "./kube-source";
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

/** Throws KubeConfigError (with a stable `code`) when no cluster configuration can be found. */
export function createObjectSource(flags: SourceFlags): ObjectSource {
  if (flags.manifests !== undefined) return new FileSource({ path: flags.manifests, logger: flags.logger });
  const kubeConfig = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
  return new KubeSource({ kubeConfig, logger: flags.logger, namespace: flags.namespace });
}
