// The bad-input table in update mode: `pulumi up` fails the same way.
import { describeValidation } from "./validation-cases";

describeValidation("update");
