// The route conflict checks in update mode: `pulumi up` reports the same.
import { describeRouteChecks } from "./route-check-cases";

describeRouteChecks("update");
