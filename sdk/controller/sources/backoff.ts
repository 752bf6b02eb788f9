// Exponential backoff with full jitter for re-lists and watch reconnects.
export interface BackoffOptions {
  /** First delay in ms (default 250). */
  readonly initialMs?: number;
  /** Largest delay in ms (default 30000). */
  readonly maxMs?: number;
}

/** The delay before retry number `attempt` (0-based): random in [d/2, d] where d doubles up to `maxMs`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
