// Which controller an Ingress belongs to (https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class):
// `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class` annotation, else the default IngressClass.
import type { ClassSelector, IngressObject } from "./types";

export const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The class an Ingress asks for: `spec.ingressClassName`, else the legacy annotation, else undefined. */
export function classOf(ingress: IngressObject): string | undefined {
  const fromSpec = nonEmptyString(ingress?.spec?.ingressClassName);
  if (fromSpec !== undefined) return fromSpec;
  const annotations = ingress?.metadata?.annotations;
  return annotations && typeof annotations === "object"
    ? nonEmptyString(annotations[LEGACY_CLASS_ANNOTATION])
    : undefined;
}

/** Whether an Ingress belongs to the selected class (always true when no class is selected). */
export function belongsToClass(ingress: IngressObject, selector: ClassSelector): boolean {
  if (selector.ingressClass === undefined) return true;
  const requested = classOf(ingress);
  return requested === undefined ? selector.isDefaultClass === true : requested === selector.ingressClass;
}
