import type { CompileOptions, IngressObject, RouteTable } from "./types";

/** Compiles plain Ingress objects into an immutable RouteTable. Never throws; bad objects are skipped. */
export function compileRoutes(_ingresses: readonly unknown[], _options: CompileOptions = {}): RouteTable {
  throw new Error("compileRoutes: not implemented yet");
}
export type { IngressObject };
