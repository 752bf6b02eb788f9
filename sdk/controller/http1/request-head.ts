// The request head (request line and header section, RFC 9112 2-5) of the controller's own HTTP/1.1 data plane.
//
// Strict first: every framing ambiguity that lets two parsers see two different messages (request smuggling) is
// refused, and so is everything llhttp (node:http) refuses. Fast second: one pass over the bytes with lookup
// tables, then one latin1 decode of the whole head that every returned string is a slice of. The same pass checks
// incomplete heads, in byte order, so a prefix is refused as soon as it breaks a rule or a limit, with the code
// the complete head would get.
import { METHODS } from "node:http";
import * as chars from "./char-classes";
import * as connection from "./connection-tokens";
import * as fieldLine from "./field-line";
import { checkTransferEncoding, parseContentLength } from "./framing-headers";
import { HttpParseError } from "./http-parse-error";
// Module-level copies of imported bindings: tsx (esbuild) compiles each imported name to a getter call, which
// costs more than the work of a whole byte in the loops below.
const { AUTHORITY, COLON, CR, LF, REQUEST_TARGET, SP, TOKEN } = chars;
const { bareCr, bareLf, FieldIndexes, FieldLineBounds, fieldNameIs, latin1, scanFieldLine } = fieldLine;
const { CLOSE, KEEP_ALIVE, readConnectionTokens, tabAfterValue, UPGRADE } = connection;

export interface RequestHeadLimits {
  /** Bytes from the first byte (leading empty lines included) to the final CRLF CRLF; beyond it: 431. Default 16384. */
  maxHeadBytes: number;
  /** Bytes of the request line without its CRLF; beyond it: 414. Default 8192. */
  maxRequestLineBytes: number;
  /** Header field lines; beyond it: 431. Default 100. */
  maxHeaderCount: number;
}

export const DEFAULT_REQUEST_HEAD_LIMITS: RequestHeadLimits = Object.freeze({
  maxHeadBytes: 16384,
  maxRequestLineBytes: 8192,
  maxHeaderCount: 100,
});

export interface RequestHead {
  /** The method as sent, one of node's http.METHODS except CONNECT and PRI. */
  method: string;
  /** The request-target exactly as sent (origin-form, absolute-form http(s), or "*" for OPTIONS). */
  target: string;
  minorVersion: 0 | 1;
  /** [name, value, name, value, ...]: names as sent, values trimmed of SP/HTAB, decoded as latin1. */
  rawHeaders: string[];
  /** The Host value, undefined when absent (only HTTP/1.0 may omit it). */
  host: string | undefined;
  /** -1 when absent. */
  contentLength: number;
  chunked: boolean;
  /** HTTP/1.1 unless Connection lists "close"; HTTP/1.0 only when it lists "keep-alive" and not "close". */
  keepAlive: boolean;
  /** The Upgrade value (several headers joined with ", ") when Connection lists "upgrade", else undefined. */
  upgrade: string | undefined;
  expectContinue: boolean;
  /** Lower-case tokens of every Connection header: the hop-by-hop fields a proxy must drop. */
  connectionTokens: readonly string[];
  /** Bytes from `start` to the end of the final CRLF CRLF, skipped leading empty lines included. */
  headLength: number;
}

/** RFC 9112 2.2 lets a server skip empty lines before a request line; a few, not an unbounded stream. */
const MAX_LEADING_EMPTY_LINES = 8;
const BAD_REQUEST = 400;

/** The methods we serve: node's (llhttp's) list, less CONNECT (no tunnels) and PRI (the HTTP/2 preface). */
const SUPPORTED_METHODS = new Map(
  METHODS.filter((m) => m !== "CONNECT" && m !== "PRI").map((m): [string, string] => [m, m]),
);

/**
 * What a scan has established so far, and where it stopped when the bytes ran out: a retry resumes there (see
 * `parseRequestHead`'s `progress`). Every field describes checked bytes only.
 */
export class RequestHeadProgress {
  /** The `start` this progress belongs to; another start makes the scan begin again. */
  start = -1;
  /** Where the next unchecked line begins (or the request line, until it is complete). */
  pos = 0;
  emptyLines = 0;
  /** Where the request line begins once the empty lines before it are skipped, -1 before. */
  lineStart = -1;
  /** The SP after the method and after the target once each is checked, -1 before. */
  methodEnd = -1;
  targetEnd = -1;
  /** How far the method or target being read is checked. */
  lineChecked = 0;
  requestLineDone = false;
  method = "";
  minorVersion: 0 | 1 = 1;
  headerCount = 0;
  hostCount = 0;
  contentLength = -1;
  chunked = false;
  /** Where the last complete line's CR is: the decoded head ends there. */
  lastLineEnd = 0;
  /** The header line being read. */
  readonly line = new FieldLineBounds();

  reset(start: number): void {
    this.start = start;
    this.pos = start;
    this.emptyLines = 0;
    this.lineStart = -1;
    this.methodEnd = -1;
    this.targetEnd = -1;
    this.lineChecked = 0;
    this.requestLineDone = false;
    this.method = "";
    this.minorVersion = 1;
    this.headerCount = 0;
    this.hostCount = 0;
    this.contentLength = -1;
    this.chunked = false;
    this.lastLineEnd = 0;
    this.line.begin(-1);
  }
}

// Reused by every call that brings no progress of its own: parsing is synchronous, so one is enough.
const sharedScan = new RequestHeadProgress();
const fields = new FieldIndexes();

/**
 * Parses one request head from buf[start, end). Returns null when the head is incomplete (the caller appends
 * bytes and calls again from the same start); throws HttpParseError on the first violation, also in an
 * incomplete prefix, so that no more than `maxHeadBytes` is ever buffered.
 *
 * `progress` is optional: pass the same object on every retry of one head, and a head that arrives a few bytes
 * at a time is checked in time proportional to its length instead of its length squared. It belongs to one
 * `start` and assumes that the bytes before the previous `end` did not change; a complete head resets it, so
 * the object serves the next head of the connection too (not after an error).
 */
export function parseRequestHead(
  buf: Buffer,
  start: number,
  end: number,
  limits: RequestHeadLimits = DEFAULT_REQUEST_HEAD_LIMITS,
  progress?: RequestHeadProgress,
): RequestHead | null {
  const bound = Math.min(end, start + limits.maxHeadBytes);
  let scan = progress ?? sharedScan;
  const resumed = progress !== undefined && progress.start === start;
  if (!resumed) scan.reset(start);
  if (!scanRequestHead(buf, scan, bound, limits, !resumed)) {
    if (bound < end) {
      throw new HttpParseError(
        431,
        "HEAD_TOO_LARGE",
        `Request head larger than ${limits.maxHeadBytes} bytes`,
      );
    }
    return null;
  }
  if (resumed) {
    // The lines checked by earlier calls were not recorded; record them all in one more pass.
    scan = sharedScan;
    scan.reset(start);
    scanRequestHead(buf, scan, bound, limits, true);
  }
  const head = buildHead(buf, scan);
  if (progress !== undefined) progress.reset(-1);
  return head;
}

/** Scans on from scan.pos; true once the head is complete (scan.pos is then just after it), false when bytes run out. */
function scanRequestHead(
  buf: Buffer,
  scan: RequestHeadProgress,
  end: number,
  limits: RequestHeadLimits,
  record: boolean,
): boolean {
  if (!scan.requestLineDone && !scanRequestLine(buf, scan, end, limits)) return false;
  const line = scan.line;
  let i = scan.pos;
  for (;;) {
    if (i >= end) return false;
    if (line.start !== i) {
      const b = buf[i]!;
      if (b === CR) {
        if (i + 1 >= end) return false;
        if (buf[i + 1] !== LF) throw bareCr(BAD_REQUEST);
        break;
      }
      if (b === LF) throw bareLf(BAD_REQUEST);
      if (scan.headerCount === limits.maxHeaderCount) {
        throw new HttpParseError(431, "TOO_MANY_HEADERS", `More than ${limits.maxHeaderCount} header lines`);
      }
      line.begin(i);
    }
    const cr = scanFieldLine(buf, end, line, BAD_REQUEST);
    if (cr < 0) return false;
    checkFramingField(buf, line, cr, scan);
    if (record) fields.record(scan.headerCount, i, line);
    scan.headerCount++;
    scan.lastLineEnd = cr;
    i = cr + 2;
    scan.pos = i;
  }
  if (scan.minorVersion === 1 && scan.hostCount === 0) {
    throw new HttpParseError(BAD_REQUEST, "MISSING_HOST", "An HTTP/1.1 request without a Host header");
  }
  scan.pos = i + 2;
  return true;
}

/** Skips up to 8 leading empty lines and checks the request line; false when bytes run out first. */
function scanRequestLine(
  buf: Buffer,
  scan: RequestHeadProgress,
  end: number,
  limits: RequestHeadLimits,
): boolean {
  if (scan.lineStart === -1) {
    let i = scan.pos;
    for (;;) {
      if (i >= end) return false;
      const b = buf[i]!;
      if (b === LF) throw bareLf(BAD_REQUEST);
      if (b !== CR) break;
      if (i + 1 >= end) return false;
      if (buf[i + 1] !== LF) throw bareCr(BAD_REQUEST);
      if (scan.emptyLines === MAX_LEADING_EMPTY_LINES) {
        throw new HttpParseError(
          BAD_REQUEST,
          "TOO_MANY_EMPTY_LINES",
          "Too many empty lines before the request line",
        );
      }
      scan.emptyLines++;
      i += 2;
      scan.pos = i;
    }
    scan.lineStart = i;
    scan.lineChecked = i;
  }
  const lineStart = scan.lineStart;
  // The CR ending the request line may sit at lineLimit at the latest; any other byte there is one too many.
  const lineLimit = lineStart + limits.maxRequestLineBytes;
  const stop = Math.min(end, lineLimit);

  if (scan.methodEnd === -1) {
    let m = scan.lineChecked;
    while (m < stop && TOKEN[buf[m]!] === 1) m++;
    scan.lineChecked = m;
    if (m === end) return false;
    if (m === lineLimit) throw requestLineTooLong(limits);
    const b = buf[m]!;
    if (b !== SP || m === lineStart) {
      if (b === LF) throw bareLf(BAD_REQUEST);
      throw new HttpParseError(
        BAD_REQUEST,
        "INVALID_METHOD",
        "The request line does not start with a method and one SP",
      );
    }
    const method = methodAt(buf, lineStart, m);
    if (method === undefined) {
      throw new HttpParseError(501, "UNSUPPORTED_METHOD", "Method not supported");
    }
    scan.method = method;
    scan.methodEnd = m;
    scan.lineChecked = m + 1;
  }

  if (scan.targetEnd === -1) {
    const targetStart = scan.methodEnd + 1;
    let t = scan.lineChecked;
    while (t < stop && REQUEST_TARGET[buf[t]!] === 1) t++;
    scan.lineChecked = t;
    if (t === end) return false;
    if (t === lineLimit) throw requestLineTooLong(limits);
    const b = buf[t]!;
    if (b !== SP || t === targetStart || !isTargetForm(buf, targetStart, t, scan.method)) {
      if (b === LF) throw bareLf(BAD_REQUEST);
      throw new HttpParseError(BAD_REQUEST, "INVALID_REQUEST_TARGET", "Invalid request-target");
    }
    scan.targetEnd = t;
  }

  // "HTTP/" DIGIT "." DIGIT, then CRLF: ten bytes, checked again on each retry.
  const v = scan.targetEnd + 1;
  for (let k = 0; k < 8; k++) {
    const at = v + k;
    if (at === end) return false;
    if (at === lineLimit) throw requestLineTooLong(limits);
    const b = buf[at]!;
    const expected = VERSION_SHAPE.charCodeAt(k);
    if (expected === DIGIT_SLOT ? b < 0x30 || b > 0x39 : b !== expected) {
      if (b === LF) throw bareLf(BAD_REQUEST);
      throw new HttpParseError(BAD_REQUEST, "INVALID_VERSION", "Invalid HTTP version");
    }
  }
  const cr = v + 8;
  if (cr === end) return false;
  if (buf[cr] !== CR) {
    if (buf[cr] === LF) throw bareLf(BAD_REQUEST);
    throw new HttpParseError(BAD_REQUEST, "INVALID_VERSION", "Invalid HTTP version");
  }
  const major = buf[v + 5]! - 0x30;
  const minor = buf[v + 7]! - 0x30;
  if (major !== 1 || minor > 1) {
    throw new HttpParseError(505, "UNSUPPORTED_VERSION", "Only HTTP/1.0 and HTTP/1.1 are supported");
  }
  if (cr + 1 === end) return false;
  if (buf[cr + 1] !== LF) throw bareCr(BAD_REQUEST);

  scan.minorVersion = minor as 0 | 1;
  scan.requestLineDone = true;
  scan.lastLineEnd = cr;
  scan.pos = cr + 2;
  return true;
}

/** "HTTP/" DIGIT "." DIGIT, with "#" standing for a digit. */
const VERSION_SHAPE = "HTTP/#.#";
const DIGIT_SLOT = 0x23;

function requestLineTooLong(limits: RequestHeadLimits): HttpParseError {
  return new HttpParseError(
    414,
    "REQUEST_LINE_TOO_LONG",
    `Request line longer than ${limits.maxRequestLineBytes} bytes`,
  );
}

/** The supported method spelled by buf[start, end), or undefined. GET, POST, PUT and HEAD need no decoding. */
function methodAt(buf: Buffer, start: number, end: number): string | undefined {
  const length = end - start;
  if (length === 3) {
    if (spells(buf, start, "GET")) return "GET";
    if (spells(buf, start, "PUT")) return "PUT";
  } else if (length === 4) {
    if (spells(buf, start, "POST")) return "POST";
    if (spells(buf, start, "HEAD")) return "HEAD";
  }
  return SUPPORTED_METHODS.get(latin1(buf, start, end));
}

/** Whether buf[at] starts with exactly the bytes of `ascii`. */
function spells(buf: Buffer, at: number, ascii: string): boolean {
  for (let k = 0; k < ascii.length; k++) if (buf[at + k] !== ascii.charCodeAt(k)) return false;
  return true;
}

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;

/**
 * Whether buf[start, end) (VCHAR bytes without "#") is a request-target form we route (RFC 9112 3.2):
 * origin-form "/...", absolute-form "http(s)://authority[/...|?...]" with a non-empty authority and no userinfo,
 * or asterisk-form "*" for OPTIONS. llhttp refuses other shapes too (a start that is neither "/", "*" nor a
 * scheme, a bad byte in the authority), and the matcher could not route them.
 */
function isTargetForm(buf: Buffer, start: number, end: number, method: string): boolean {
  const first = buf[start]!;
  if (first === SLASH) return true;
  if (first === STAR) return end - start === 1 && method === "OPTIONS";
  let i = start;
  if (end - i > 7 && isHttpScheme(buf, i, true)) i += 8;
  else if (end - i > 6 && isHttpScheme(buf, i, false)) i += 7;
  else return false;
  const authorityStart = i;
  while (i < end && AUTHORITY[buf[i]!] === 1) i++;
  if (i === authorityStart) return false;
  return i === end || buf[i] === SLASH || buf[i] === QUESTION;
}

/** Whether buf[at] starts "http://" (or "https://" when `secure`), the scheme in any case. */
function isHttpScheme(buf: Buffer, at: number, secure: boolean): boolean {
  if (!fieldNameIs(buf, at, secure ? "https" : "http")) return false;
  const colon = at + (secure ? 5 : 4);
  return buf[colon] === COLON && buf[colon + 1] === SLASH && buf[colon + 2] === SLASH;
}

/** Host, Content-Length and Transfer-Encoding: duplicates, conflicts and values, as each line completes. */
function checkFramingField(
  buf: Buffer,
  line: fieldLine.FieldLineBounds,
  cr: number,
  scan: RequestHeadProgress,
): void {
  const nameStart = line.start;
  switch (line.nameEnd - nameStart) {
    case 4:
      if (fieldNameIs(buf, nameStart, "host")) {
        if (++scan.hostCount > 1) {
          throw new HttpParseError(BAD_REQUEST, "DUPLICATE_HOST", "More than one Host header");
        }
        for (let i = line.valueStart; i < line.valueEnd; i++) {
          if (AUTHORITY[buf[i]!] !== 1) {
            throw new HttpParseError(BAD_REQUEST, "INVALID_HOST", "Invalid Host header");
          }
        }
      }
      return;
    case 14:
      if (fieldNameIs(buf, nameStart, "content-length")) {
        if (scan.chunked) throw transferEncodingWithContentLength();
        if (scan.contentLength !== -1) {
          throw new HttpParseError(
            BAD_REQUEST,
            "DUPLICATE_CONTENT_LENGTH",
            "More than one Content-Length header",
          );
        }
        scan.contentLength = parseContentLength(
          buf,
          line.valueStart,
          line.valueEnd,
          line.nameEnd + 1,
          cr,
          BAD_REQUEST,
        );
      }
      return;
    case 17:
      if (fieldNameIs(buf, nameStart, "transfer-encoding")) {
        if (scan.minorVersion === 0) {
          throw new HttpParseError(
            BAD_REQUEST,
            "TRANSFER_ENCODING_ON_HTTP_1_0",
            "Transfer-Encoding in an HTTP/1.0 request",
          );
        }
        if (scan.contentLength !== -1) throw transferEncodingWithContentLength();
        if (scan.chunked) {
          throw new HttpParseError(
            BAD_REQUEST,
            "DUPLICATE_TRANSFER_ENCODING",
            "More than one Transfer-Encoding header",
          );
        }
        checkTransferEncoding(buf, line.valueStart, line.valueEnd, line.nameEnd + 1, cr, BAD_REQUEST);
        scan.chunked = true;
      }
      return;
  }
}

function transferEncodingWithContentLength(): HttpParseError {
  return new HttpParseError(
    BAD_REQUEST,
    "TRANSFER_ENCODING_WITH_CONTENT_LENGTH",
    "Both Transfer-Encoding and Content-Length",
  );
}

/** Shared by every head without a Connection header, frozen so that no caller can write to it. */
const NO_TOKENS: readonly string[] = Object.freeze([]);

/** The RequestHead of a completely scanned head: one latin1 decode, every string a slice of it. */
function buildHead(buf: Buffer, scan: RequestHeadProgress): RequestHead {
  const base = scan.lineStart;
  const text = latin1(buf, base, scan.lastLineEnd);
  const rawHeaders = new Array<string>(2 * scan.headerCount);
  let host: string | undefined;
  let close = false;
  let keepAliveToken = false;
  let upgradeToken = false;
  let upgrade: string | undefined;
  let expectContinue = false;
  let connectionTokens = NO_TOKENS;
  const at = fields.at;
  for (let h = 0; h < scan.headerCount; h++) {
    const k = 4 * h;
    const nameStart = at[k]!;
    const nameLength = at[k + 1]! - nameStart;
    const name = text.slice(nameStart - base, nameStart - base + nameLength);
    const value = text.slice(at[k + 2]! - base, at[k + 3]! - base);
    rawHeaders[2 * h] = name;
    rawHeaders[2 * h + 1] = value;
    switch (nameLength) {
      case 4:
        if (fieldNameIs(buf, nameStart, "host")) host = value;
        break;
      case 10:
        if (fieldNameIs(buf, nameStart, "connection")) {
          const tokens = connectionTokens === NO_TOKENS ? [] : (connectionTokens as string[]);
          connectionTokens = tokens;
          const flags = readConnectionTokens(value, tokens, tabAfterValue(buf, at[k + 3]!));
          close ||= (flags & CLOSE) !== 0;
          keepAliveToken ||= (flags & KEEP_ALIVE) !== 0;
          upgradeToken ||= (flags & UPGRADE) !== 0;
        }
        break;
      case 16:
        // llhttp reads Proxy-Connection as Connection: closing on its "close" too means we never read on
        // where llhttp (and a node:http upstream) would stop. Its other tokens are not ours to honour.
        if (fieldNameIs(buf, nameStart, "proxy-connection")) {
          close ||= (readConnectionTokens(value, []) & CLOSE) !== 0;
        }
        break;
      case 7:
        if (fieldNameIs(buf, nameStart, "upgrade") && value !== "") {
          upgrade = upgrade === undefined ? value : `${upgrade}, ${value}`;
        }
        break;
      case 6:
        if (
          fieldNameIs(buf, nameStart, "expect") &&
          value.length === 12 &&
          value.toLowerCase() === "100-continue"
        ) {
          expectContinue = true;
        }
        break;
    }
  }
  return {
    method: scan.method,
    target: text.slice(scan.methodEnd + 1 - base, scan.targetEnd - base),
    minorVersion: scan.minorVersion,
    rawHeaders,
    host,
    contentLength: scan.contentLength,
    chunked: scan.chunked,
    keepAlive: !close && (scan.minorVersion === 1 || keepAliveToken),
    upgrade: upgradeToken ? upgrade : undefined,
    expectContinue,
    connectionTokens,
    headLength: scan.pos - scan.start,
  };
}
