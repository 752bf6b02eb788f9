// What both modes start from: the options, the temp folder, the tools, the running upstreams, the certificate
// and how to run the controller.
import type { CertificateFiles } from "./certificate";
import type { ControllerFeatures } from "./controller";
import type { ControllerEntry } from "./controller-build";
import type { Options } from "./options";
import type { Tools } from "./tools";
import type { Upstreams } from "./upstreams";

export interface BenchSetup {
  readonly options: Options;
  readonly dir: string;
  readonly tools: Tools;
  /** wrk's path (the benchmark does not run without it). */
  readonly wrk: string;
  readonly upstreams: Upstreams;
  readonly certificate: CertificateFiles;
  readonly controller: { readonly entry: ControllerEntry; readonly features: ControllerFeatures };
  /** Progress, to stderr. */
  readonly log: (line: string) => void;
}
