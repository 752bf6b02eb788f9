// The one error the HTTP/1.1 parsers throw. The connection code answers `status` (for requests) and logs `code`;
// messages name the offending header but never quote a value, because values may carry secrets.

/** A message that breaks HTTP/1.1 framing or syntax; nothing after it on the connection can be trusted. */
export class HttpParseError extends Error {
  constructor(
    /** The status to answer: 400, 414, 431, 501 or 505 for requests; 502 for upstream responses. */
    readonly status: number,
    /** A stable machine code such as `DUPLICATE_CONTENT_LENGTH` or `BARE_LF`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpParseError";
  }
}
