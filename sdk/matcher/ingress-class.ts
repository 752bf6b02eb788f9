import type { ClassSelector, IngressObject } from "./types";

/** The class an Ingress asks for: `spec.ingressClassName`, else the legacy annotation, else undefined. */
export function classOf(_ingress: IngressObject): string | undefined {
  throw new Error("not implemented yet");
}

/** Whether an Ingress belongs to the selected class (always true when no class is selected). */
export function belongsToClass(_ingress: IngressObject, _selector: ClassSelector): boolean {
  throw new Error("not implemented yet");
}
