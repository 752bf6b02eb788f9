// The head of an upstream's response (status line and header section, RFC 9112 4-5), parsed as strictly as a
// request head: an upstream that frames a body ambiguously could split one response into two for the client.
// Every violation is an HttpParseError with status 502, the answer the client gets.
import * as chars from "./char-classes";
import * as connection from "./connection-tokens";
import * as fieldLine from "./field-line";
import { checkTransferEncoding, parseContentLength } from "./framing-headers";
import { HttpParseError } from "./http-parse-error";
// Module-level copies of imported bindings: tsx (esbuild) compiles each imported name to a getter call, which
// costs more than the work of a whole byte in the loops below.
const { CR, FIELD_VALUE, LF, SP } = chars;
const { bareCr, bareLf, FieldIndexes, FieldLineBounds, fieldNameIs, latin1, scanFieldLine } = fieldLine;
const { CLOSE, KEEP_ALIVE, readConnectionTokens, tabAfterValue } = connection;

export interface ResponseHeadLimits {
  /** Bytes from the first byte to the final CRLF CRLF. Default 65536. */
  maxHeadBytes: number;
  /** Header field lines. Default 200. */
  maxHeaderCount: number;
}

export const DEFAULT_RESPONSE_HEAD_LIMITS: ResponseHeadLimits = Object.freeze({
  maxHeadBytes: 65536,
  maxHeaderCount: 200,
});

export interface ResponseHead {
  /** 100-599. */
  statusCode: number;
  /** The reason phrase as sent, possibly empty. */
  reason: string;
  minorVersion: 0 | 1;
  /** [name, value, name, value, ...]: names as sent, values trimmed of SP/HTAB, decoded as latin1. */
  rawHeaders: string[];
  /** -1 when absent. */
  contentLength: number;
  chunked: boolean;
  /** What Connection says (HTTP/1.1 unless "close"; HTTP/1.0 only with "keep-alive"); a body read until EOF
   * (`responseFraming` kind "close") ends the connection whatever this says. */
  keepAlive: boolean;
  headLength: number;
  /** Lower-case tokens of every Connection header. */
  connectionTokens: string[];
  /** The first Keep-Alive header's value ("timeout=5, max=100": how long the upstream keeps the connection). */
  keepAliveHeader: string | undefined;
}

const BAD_GATEWAY = 502;

const line = new FieldLineBounds();
const fields = new FieldIndexes();

/**
 * Parses one response head from buf[start, end). Returns null when the head is incomplete (the caller appends
 * bytes and calls again from the same start); throws HttpParseError (status 502) on the first violation, also in
 * an incomplete prefix.
 */
export function parseResponseHead(
  buf: Buffer,
  start: number,
  end: number,
  limits: ResponseHeadLimits = DEFAULT_RESPONSE_HEAD_LIMITS,
): ResponseHead | null {
  const bound = Math.min(end, start + limits.maxHeadBytes);
  if (!scanResponseHead(buf, start, bound, limits)) {
    if (bound < end) {
      throw new HttpParseError(
        BAD_GATEWAY,
        "HEAD_TOO_LARGE",
        `Response head larger than ${limits.maxHeadBytes} bytes`,
      );
    }
    return null;
  }
  return buildHead(buf, start);
}

/** What the scan of one head found; one instance is reused, parsing being synchronous. */
class ResponseScan {
  statusCode = 0;
  minorVersion: 0 | 1 = 1;
  /** Where the reason phrase begins; the status line's CR is at `statusLineEnd`. */
  reasonStart = 0;
  statusLineEnd = 0;
  headerCount = 0;
  contentLength = -1;
  chunked = false;
  lastLineEnd = 0;
  headEnd = 0;
}

const scan = new ResponseScan();

/** Scans one head into `scan`; false when bytes run out first. */
function scanResponseHead(buf: Buffer, start: number, end: number, limits: ResponseHeadLimits): boolean {
  if (!scanStatusLine(buf, start, end)) return false;
  let contentLength = -1;
  let chunked = false;
  let headerCount = 0;
  let lastLineEnd = scan.statusLineEnd;
  let i = scan.statusLineEnd + 2;
  for (;;) {
    if (i >= end) return false;
    const b = buf[i]!;
    if (b === CR) {
      if (i + 1 >= end) return false;
      if (buf[i + 1] !== LF) throw bareCr(BAD_GATEWAY);
      break;
    }
    if (b === LF) throw bareLf(BAD_GATEWAY);
    if (headerCount === limits.maxHeaderCount) {
      throw new HttpParseError(
        BAD_GATEWAY,
        "TOO_MANY_HEADERS",
        `More than ${limits.maxHeaderCount} header lines`,
      );
    }
    line.begin(i);
    const cr = scanFieldLine(buf, end, line, BAD_GATEWAY);
    if (cr < 0) return false;
    const nameLength = line.nameEnd - i;
    if (nameLength === 14 && fieldNameIs(buf, i, "content-length")) {
      if (chunked) throw transferEncodingWithContentLength();
      if (contentLength !== -1) {
        throw new HttpParseError(
          BAD_GATEWAY,
          "DUPLICATE_CONTENT_LENGTH",
          "More than one Content-Length header",
        );
      }
      contentLength = parseContentLength(
        buf,
        line.valueStart,
        line.valueEnd,
        line.nameEnd + 1,
        cr,
        BAD_GATEWAY,
      );
    } else if (nameLength === 17 && fieldNameIs(buf, i, "transfer-encoding")) {
      if (scan.minorVersion === 0) {
        throw new HttpParseError(
          BAD_GATEWAY,
          "TRANSFER_ENCODING_ON_HTTP_1_0",
          "Transfer-Encoding in an HTTP/1.0 response",
        );
      }
      if (contentLength !== -1) throw transferEncodingWithContentLength();
      if (chunked) {
        throw new HttpParseError(
          BAD_GATEWAY,
          "DUPLICATE_TRANSFER_ENCODING",
          "More than one Transfer-Encoding header",
        );
      }
      checkTransferEncoding(buf, line.valueStart, line.valueEnd, line.nameEnd + 1, cr, BAD_GATEWAY);
      chunked = true;
    }
    fields.record(headerCount, i, line);
    headerCount++;
    lastLineEnd = cr;
    i = cr + 2;
  }
  // RFC 9110 8.6 and 6.1: 1xx and 204 carry no content. llhttp would read a body after some 1xx codes, and an
  // upstream announcing one may be trying to slip a second response in as the "body" we would skip.
  const statusCode = scan.statusCode;
  if ((statusCode < 200 || statusCode === 204) && (chunked || contentLength > 0)) {
    throw new HttpParseError(
      BAD_GATEWAY,
      "BODY_NOT_ALLOWED",
      `A ${statusCode} response that announces a body`,
    );
  }
  scan.headerCount = headerCount;
  scan.contentLength = contentLength;
  scan.chunked = chunked;
  scan.lastLineEnd = lastLineEnd;
  scan.headEnd = i + 2;
  return true;
}

/** "HTTP/1." DIGIT SP 3DIGIT [SP reason] CRLF, into `scan`; false when bytes run out first. */
function scanStatusLine(buf: Buffer, start: number, end: number): boolean {
  for (let k = 0; k < 8; k++) {
    const at = start + k;
    if (at === end) return false;
    const b = buf[at]!;
    if (k < 7 ? b !== HTTP_1_DOT.charCodeAt(k) : b !== 0x30 && b !== 0x31) {
      if (b === LF) throw bareLf(BAD_GATEWAY);
      throw new HttpParseError(
        BAD_GATEWAY,
        "INVALID_VERSION",
        "The status line does not start with HTTP/1.0 or HTTP/1.1",
      );
    }
  }
  let i = start + 8;
  if (i === end) return false;
  if (buf[i] !== SP) throw invalidStatusLine();
  let statusCode = 0;
  for (let k = 1; k <= 3; k++) {
    if (i + k === end) return false;
    const d = buf[i + k]! - 0x30;
    if (d < 0 || d > 9) throw invalidStatusLine();
    statusCode = statusCode * 10 + d;
  }
  if (statusCode < 100 || statusCode > 599) throw invalidStatusLine();
  i += 4;
  if (i === end) return false;
  let reasonStart = i;
  if (buf[i] === SP) {
    reasonStart = ++i;
    while (i < end && FIELD_VALUE[buf[i]!] === 1) i++;
    if (i === end) return false;
  }
  const b = buf[i]!;
  if (b !== CR) {
    if (b === LF) throw bareLf(BAD_GATEWAY);
    throw invalidStatusLine();
  }
  if (i + 1 === end) return false;
  if (buf[i + 1] !== LF) throw bareCr(BAD_GATEWAY);
  scan.statusCode = statusCode;
  scan.minorVersion = (buf[start + 7]! - 0x30) as 0 | 1;
  scan.reasonStart = reasonStart;
  scan.statusLineEnd = i;
  return true;
}

const HTTP_1_DOT = "HTTP/1.";

function invalidStatusLine(): HttpParseError {
  return new HttpParseError(BAD_GATEWAY, "INVALID_STATUS_LINE", "Invalid status line");
}

function transferEncodingWithContentLength(): HttpParseError {
  return new HttpParseError(
    BAD_GATEWAY,
    "TRANSFER_ENCODING_WITH_CONTENT_LENGTH",
    "Both Transfer-Encoding and Content-Length",
  );
}

function buildHead(buf: Buffer, start: number): ResponseHead {
  const text = latin1(buf, start, scan.lastLineEnd);
  const rawHeaders = new Array<string>(2 * scan.headerCount);
  const connectionTokens: string[] = [];
  let connectionFlags = 0;
  let keepAliveHeader: string | undefined;
  const at = fields.at;
  for (let h = 0; h < scan.headerCount; h++) {
    const k = 4 * h;
    const nameStart = at[k]!;
    const nameEnd = at[k + 1]!;
    const value = text.slice(at[k + 2]! - start, at[k + 3]! - start);
    rawHeaders[2 * h] = text.slice(nameStart - start, nameEnd - start);
    rawHeaders[2 * h + 1] = value;
    if (nameEnd - nameStart === 10 && fieldNameIs(buf, nameStart, "connection")) {
      connectionFlags |= readConnectionTokens(value, connectionTokens, tabAfterValue(buf, at[k + 3]!));
    } else if (nameEnd - nameStart === 10 && fieldNameIs(buf, nameStart, "keep-alive")) {
      keepAliveHeader ??= value;
    } else if (nameEnd - nameStart === 16 && fieldNameIs(buf, nameStart, "proxy-connection")) {
      // llhttp reads Proxy-Connection as Connection; its "close" ends the connection for us too.
      connectionFlags |= readConnectionTokens(value, []) & CLOSE;
    }
  }
  const close = (connectionFlags & CLOSE) !== 0;
  return {
    statusCode: scan.statusCode,
    reason: text.slice(scan.reasonStart - start, scan.statusLineEnd - start),
    minorVersion: scan.minorVersion,
    rawHeaders,
    contentLength: scan.contentLength,
    chunked: scan.chunked,
    keepAlive: !close && (scan.minorVersion === 1 || (connectionFlags & KEEP_ALIVE) !== 0),
    headLength: scan.headEnd - start,
    connectionTokens,
    keepAliveHeader,
  };
}
