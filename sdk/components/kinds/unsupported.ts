// The one wording for "controller X cannot express option Y", shared by every kind's dialect.
import type { ArgProblem } from "../component-error";
import { ComponentCodes } from "../component-error";
import type { ControllerKind } from "../controller-kind";

/** A problem naming the option, the controller, why, and the fix. */
export function unsupportedOption(
  controller: ControllerKind,
  option: string,
  why: string,
  fix: string,
): ArgProblem {
  return {
    code: ComponentCodes.UNSUPPORTED_OPTION,
    field: option,
    message: `option "${option}" cannot be expressed by controller "${controller}": ${why}. ${fix}`,
  };
}
