import type { ObjectRef, Problem } from "./types";

/** The namespace/name of any object-like value ("default" namespace when unset, "<unnamed>" without a name). */
export function ingressRef(_ingress: unknown): ObjectRef {
  throw new Error("not implemented yet");
}

/** The problems of one Ingress (errors and warnings). Never throws, whatever it is given. */
export function validateIngress(_ingress: unknown): Problem[] {
  throw new Error("validateIngress: not implemented yet");
}
