// The bad-input table in preview mode: errors must surface at `pulumi preview`.
import { describeValidation } from "./validation-cases";

describeValidation("preview");
