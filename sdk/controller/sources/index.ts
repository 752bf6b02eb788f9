// The controller's object sources: what the snapshot builder and `ingress-kit controller` import.
export type * from "./objects";
export { EMPTY_CLUSTER_STATE } from "./objects";
export type * from "./source";
export { SourceCodes, type SourceCode } from "./codes";
export { createObjectSource, type SourceFlags } from "./create-source";
export { FileSource, ManifestsError, type FileSourceOptions } from "./file-source";
export { KubeSource, type KubeSourceOptions } from "./kube-source";
export { loadKubeConfig, KubeConfigError, type KubeConfigOptions } from "./kube-config";
export { readManifests, type ManifestReadResult } from "./manifest-reader";
