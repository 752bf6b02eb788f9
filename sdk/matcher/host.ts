/** Lowercases a Host header or SNI name and strips its port and trailing dot; "" when empty. */
export function normalizeHost(_host: string): string {
  throw new Error("not implemented yet");
}
/** Whether a rule host ("" = any, "*.x" = one label under x) matches a normalised request host. */
export function hostMatches(_ruleHost: string, _requestHost: string): boolean {
  throw new Error("not implemented yet");
}
