// The route conflict checks in preview mode: `pulumi preview` reports the same.
import { describeRouteChecks } from "./route-check-cases";

describeRouteChecks("preview");
