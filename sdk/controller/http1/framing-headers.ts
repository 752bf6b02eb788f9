// The values of the two fields that frame a message body, Content-Length and Transfer-Encoding, checked the same
// way for requests and responses. Anything that two parsers could read as two different lengths is refused.
import * as fieldLine from "./field-line";
import { HttpParseError } from "./http-parse-error";
// Module-level copies of imported bindings: tsx (esbuild) compiles each imported name to a getter call, which
// costs more than the work of a whole byte in the loops below.
const { containsTab, fieldNameIs, latin1 } = fieldLine;

const ZERO = 0x30;
const COMMA = 0x2c;

/**
 * The Content-Length in buf[valueStart, valueEnd) (already trimmed); rawStart/rawEnd span the untrimmed value.
 * Only 1*DIGIT up to 2^53-1 is accepted: no sign, no list ("5, 5"), no HTAB around it.
 */
export function parseContentLength(
  buf: Buffer,
  valueStart: number,
  valueEnd: number,
  rawStart: number,
  rawEnd: number,
  status: number,
): number {
  if (valueStart === valueEnd) throw invalidLength(status, "An empty Content-Length");
  let n = 0;
  for (let i = valueStart; i < valueEnd; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) {
      if (buf[i] === COMMA) {
        throw new HttpParseError(status, "DUPLICATE_CONTENT_LENGTH", "Content-Length holds a list of values");
      }
      throw invalidLength(status, "Content-Length is not a decimal number");
    }
    n = n * 10 + d;
    if (n > Number.MAX_SAFE_INTEGER) throw invalidLength(status, "Content-Length is larger than 2^53-1");
  }
  if (containsTab(buf, rawStart, rawEnd)) throw invalidLength(status, "Content-Length with a tab around it");
  return n;
}

function invalidLength(status: number, message: string): HttpParseError {
  return new HttpParseError(status, "INVALID_CONTENT_LENGTH", message);
}

/**
 * Throws unless the Transfer-Encoding value in buf[valueStart, valueEnd) is exactly "chunked" in any case. For
 * requests, a list ending in chunked ("gzip, chunked") is well-formed but unsupported (501); chunked missing, not
 * last or repeated leaves the length unknowable (400, RFC 9112 6.3). Responses always get `status`.
 */
export function checkTransferEncoding(
  buf: Buffer,
  valueStart: number,
  valueEnd: number,
  rawStart: number,
  rawEnd: number,
  status: number,
): void {
  if (valueEnd - valueStart === 7 && fieldNameIs(buf, valueStart, "chunked")) {
    if (containsTab(buf, rawStart, rawEnd)) {
      throw new HttpParseError(status, "INVALID_TRANSFER_ENCODING", "Transfer-Encoding with a tab around it");
    }
    return;
  }
  // Off the hot path: a rare value, read as a list once to choose between 400 and 501.
  const codings = latin1(buf, valueStart, valueEnd)
    .toLowerCase()
    .split(",")
    .map((c) => c.trim());
  const chunkedAt = codings.indexOf("chunked");
  if (chunkedAt !== -1 && chunkedAt === codings.length - 1 && !containsTab(buf, rawStart, rawEnd)) {
    throw new HttpParseError(
      status === 400 ? 501 : status,
      "UNSUPPORTED_TRANSFER_ENCODING",
      "Transfer-Encoding other than chunked alone is not supported",
    );
  }
  throw new HttpParseError(
    status,
    "INVALID_TRANSFER_ENCODING",
    "Transfer-Encoding must be chunked, once and last; the body length cannot be determined",
  );
}
