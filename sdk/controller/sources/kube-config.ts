// Loading the client-node KubeConfig the Kubernetes source talks through.
import { KubeConfig } from "@kubernetes/client-node";

export interface KubeConfigOptions {
  /** A kubeconfig file; default: `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account. */
  readonly kubeconfig?: string;
  /** The kubeconfig context to use instead of its current-context. */
  readonly context?: string;
  /** Use the in-cluster service account only (the controller's Deployment). */
  readonly inCluster?: boolean;
}

/** A KubeConfig error the controller prints before exiting, with a stable code. */
export class KubeConfigError extends Error {
  constructor(
    readonly code: "ERR_KUBECONFIG_NOT_FOUND" | "ERR_KUBECONFIG_CONTEXT",
    message: string,
  ) {
    super(message);
    this.name = "KubeConfigError";
  }
}

export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const config = new KubeConfig();
  if (options.inCluster) config.loadFromCluster();
  else if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
  else config.loadFromDefault();
  if (options.context !== undefined) {
    const names = config.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new KubeConfigError(
        "ERR_KUBECONFIG_CONTEXT",
        `kubeconfig context "${options.context}" does not exist; the kubeconfig has ` +
          `${
            names.length
              ? names
                  .map((n) => `"${n}"`)
                  .sort()
                  .join(", ")
              : "no contexts"
          }. Pass one of them.`,
      );
    }
    config.setCurrentContext(options.context);
  }
  // loadFromDefault falls back to an unauthenticated http://localhost:8080 when it finds nothing at all.
  const cluster = config.getCurrentCluster();
  if (!cluster || (!options.kubeconfig && !options.inCluster && isLocalhostFallback(config))) {
    throw new KubeConfigError(
      "ERR_KUBECONFIG_NOT_FOUND",
      "no Kubernetes configuration found: no $KUBECONFIG, no ~/.kube/config and not running in a cluster. " +
        "Pass --kubeconfig PATH, or --manifests PATH to read routes from files instead.",
    );
  }
  return config;
}

function isLocalhostFallback(config: KubeConfig): boolean {
  return (
    config.getCurrentCluster()?.server === "http://localhost:8080" &&
    config.getCurrentUser()?.name === "user" &&
    config.getCurrentContext() === "loaded-context"
  );
}
