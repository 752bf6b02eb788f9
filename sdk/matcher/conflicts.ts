import type { Conflict, ConflictOptions, IngressObject } from "./types";

/** Adds Ingresses one at a time and reports what each new one conflicts with, in O(its own routes). */
export interface ConflictIndex {
  /** Adds an Ingress; returns the conflicts it introduces with those already added (and its unreachable rules). */
  add(ingress: IngressObject): Conflict[];
  /** Number of Ingresses added. */
  readonly size: number;
}

export function createConflictIndex(_options: ConflictOptions = {}): ConflictIndex {
  throw new Error("createConflictIndex: not implemented yet");
}

/** Every conflict among the given Ingresses, grouped by class; sorted for stable output. */
export function findConflicts(_ingresses: readonly unknown[], _options: ConflictOptions = {}): Conflict[] {
  throw new Error("findConflicts: not implemented yet");
}
