// ingress-kit/matcher: the Kubernetes Ingress semantics, shared by the Pulumi components (preview-time
// checks), the CLI and the bundled controller. No dependencies, no I/O: usable in any JS runtime.
export type * from "./types";
export { compileRoutes } from "./route-table";
export { explainMatch, type MatchExplanation, type LosingCandidate } from "./explain";
export { findConflicts, createConflictIndex, type ConflictIndex } from "./conflicts";
export { validateIngress, ingressRef } from "./validate";
export { classOf, belongsToClass } from "./ingress-class";
export { normalizeHost, hostMatches } from "./host";
export { normalizeRequestPath, pathMatches } from "./path";
export { formatRef, formatBackend } from "./format";
export { MatcherCodes, type MatcherCode } from "./errors";
