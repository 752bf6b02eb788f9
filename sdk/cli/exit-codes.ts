// Exit codes of the `ingress-kit` command; each means one thing.
export const ExitCode = {
  /** Done, nothing to report. */
  Ok: 0,
  /** `check` found problems or conflicts; `route` found no backend for the request. */
  Found: 1,
  /** Input could not be read or parsed, or the command line was wrong. */
  Unreadable: 2,
  /** `render`: the program has TypeScript errors. */
  TypeErrors: 3,
} as const;

/** A wrong command line: the message and the usage text are printed, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
