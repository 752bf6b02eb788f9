// Warnings for the Ingresses the latest snapshot cannot serve: one structured log line (and, through `emit`,
// one Kubernetes Event) per object, generation and reason, not one per snapshot. An Ingress that becomes
// servable, or disappears, is forgotten, so if it breaks again it is reported again.
import type { Logger } from "pino";
import { SourceCodes } from "./codes";
import type { UnservableIngress } from "./source";

export interface UnservableReporterOptions {
  readonly logger: Logger;
  /**
   * The version an Ingress is reported under: its `metadata.generation` in a cluster (a new spec is reported
   * anew), undefined where objects have none (the file source).
   */
  readonly versionOf?: (namespace: string, name: string) => string | undefined;
  /** Called once for every item logged, e.g. to create a Kubernetes Event. Must not throw. */
  readonly emit?: (item: UnservableIngress, version: string | undefined) => void;
}

export class UnservableReporter {
  /** `namespace/name` -> the `version code message` signatures already reported. */
  private reported = new Map<string, Set<string>>();

  constructor(private readonly options: UnservableReporterOptions) {}

  report(items: readonly UnservableIngress[]): void {
    const next = new Map<string, Set<string>>();
    for (const item of items) {
      const key = `${item.namespace}/${item.name}`;
      const version = this.options.versionOf?.(item.namespace, item.name);
      const signature = `${version ?? ""}\u0000${item.code}\u0000${item.message}`;
      let signatures = next.get(key);
      if (!signatures) next.set(key, (signatures = new Set()));
      if (signatures.has(signature)) continue;
      signatures.add(signature);
      if (this.reported.get(key)?.has(signature)) continue;
      this.options.logger.warn(
        {
          code: SourceCodes.INGRESS_UNSERVABLE,
          ingress: key,
          reason: item.code,
          ...(version === undefined ? {} : { generation: version }),
        },
        item.message,
      );
      this.options.emit?.(item, version);
    }
    this.reported = next;
  }
}
