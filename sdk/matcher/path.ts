import type { PathType } from "./types";
/** Normalises a request target's path: strips query, resolves dot segments, merges slashes, decodes unreserved. */
export function normalizeRequestPath(_target: string): string {
  throw new Error("not implemented yet");
}
/** Whether a rule path of the given type matches a normalised request path. */
export function pathMatches(_rulePath: string, _pathType: PathType, _requestPath: string): boolean {
  throw new Error("not implemented yet");
}
