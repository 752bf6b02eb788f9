import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { responseFraming } from "../../../sdk/controller/http1/body-reader";
import { HttpParseError } from "../../../sdk/controller/http1/http-parse-error";
import {
  DEFAULT_RESPONSE_HEAD_LIMITS,
  parseResponseHead,
  type ResponseHead,
  type ResponseHeadLimits,
} from "../../../sdk/controller/http1/response-head";

function parse(text: string, limits?: ResponseHeadLimits): ResponseHead | null {
  const buf = Buffer.from(text, "latin1");
  return parseResponseHead(buf, 0, buf.length, limits);
}

function parsed(text: string): ResponseHead {
  const head = parse(text);
  assert.ok(head !== null, "the head should be complete");
  return head;
}

/** Upstream violations always answer 502, whatever the code. */
function rejects(text: string, code: string, limits?: ResponseHeadLimits): void {
  try {
    parse(text, limits);
  } catch (e) {
    assert.ok(e instanceof HttpParseError, String(e));
    assert.deepEqual({ status: e.status, code: e.code }, { status: 502, code }, JSON.stringify(text));
    return;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

const ok = (lines = "") => `HTTP/1.1 200 OK\r\n${lines}\r\n`;

describe("response head: status line", () => {
  it("reads a typical response", () => {
    const text = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found";
    assert.deepEqual(parsed(text), {
      statusCode: 404,
      reason: "Not Found",
      minorVersion: 1,
      rawHeaders: ["Content-Type", "text/plain", "Content-Length", "9"],
      contentLength: 9,
      chunked: false,
      keepAlive: true,
      headLength: text.length - "not found".length,
      connectionTokens: [],
      keepAliveHeader: undefined,
    });
  });

  it("keeps the first Keep-Alive header's value, for the upstream connection's idle timeout", () => {
    const head = parsed("HTTP/1.1 200 OK\r\nKEEP-ALIVE: timeout=5, max=100\r\nKeep-Alive: timeout=9\r\n\r\n");
    assert.equal(head.keepAliveHeader, "timeout=5, max=100");
    assert.deepEqual(head.rawHeaders, ["KEEP-ALIVE", "timeout=5, max=100", "Keep-Alive", "timeout=9"]);
  });

  it("accepts an empty reason and a status line without SP and reason", () => {
    assert.equal(parsed("HTTP/1.1 200 \r\n\r\n").reason, "");
    assert.equal(parsed("HTTP/1.1 204\r\n\r\n").statusCode, 204);
  });

  it("keeps HTAB, spaces and obs-text in the reason phrase", () => {
    assert.equal(parsed("HTTP/1.0 200 \xc7a  va\tbien\r\n\r\n").reason, "\xc7a  va\tbien");
  });

  it("refuses versions other than HTTP/1.0 and HTTP/1.1", () => {
    for (const line of [
      "HTTP/2.0 200 OK",
      "HTTP/1.2 200 OK",
      "http/1.1 200 OK",
      "HTTP/1.1200 OK",
      "ICE/1.0 200 OK",
    ]) {
      rejects(`${line}\r\n\r\n`, line.startsWith("HTTP/1.1") ? "INVALID_STATUS_LINE" : "INVALID_VERSION");
    }
  });

  it("refuses a status code that is not three digits from 100 to 599", () => {
    for (const code of ["099", "000", "600", "2000", "20", "2O0", " 200"]) {
      rejects(`HTTP/1.1 ${code} X\r\n\r\n`, "INVALID_STATUS_LINE");
    }
  });

  it("refuses control bytes in the reason phrase", () => {
    rejects("HTTP/1.1 200 O\x00K\r\n\r\n", "INVALID_STATUS_LINE");
    rejects("HTTP/1.1 200 OK\x7f\r\n\r\n", "INVALID_STATUS_LINE");
  });

  it("refuses a bare CR or LF ending the status line", () => {
    rejects("HTTP/1.1 200 OK\nX: 1\r\n\r\n", "BARE_LF");
    rejects("HTTP/1.1 200 OK\rX: 1\r\n\r\n", "BARE_CR");
  });
});

describe("response head: header section", () => {
  it("refuses obsolete line folding, whitespace before a colon, bad names and control bytes in values", () => {
    rejects(ok("X: 1\r\n folded\r\n"), "OBS_FOLD");
    rejects(ok("X : 1\r\n"), "WHITESPACE_BEFORE_COLON");
    rejects(ok("X(Y): 1\r\n"), "INVALID_HEADER_NAME");
    rejects(ok("X: a\x00b\r\n"), "INVALID_HEADER_VALUE");
    rejects(ok("X: a\nY: b\r\n"), "BARE_LF");
  });

  it("refuses two Content-Length headers, even equal ones, and a list", () => {
    rejects(ok("Content-Length: 5\r\nContent-Length: 5\r\n"), "DUPLICATE_CONTENT_LENGTH");
    rejects(ok("Content-Length: 5, 5\r\n"), "DUPLICATE_CONTENT_LENGTH");
    rejects(ok("Content-Length: -5\r\n"), "INVALID_CONTENT_LENGTH");
  });

  it("refuses Transfer-Encoding together with Content-Length", () => {
    rejects(
      ok("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
      "TRANSFER_ENCODING_WITH_CONTENT_LENGTH",
    );
  });

  it("refuses a Transfer-Encoding other than exactly chunked, with status 502 even where a request gets 501", () => {
    rejects(ok("Transfer-Encoding: gzip, chunked\r\n"), "UNSUPPORTED_TRANSFER_ENCODING");
    rejects(ok("Transfer-Encoding: chunked, gzip\r\n"), "INVALID_TRANSFER_ENCODING");
    rejects(ok("Transfer-Encoding: gzip\r\n"), "INVALID_TRANSFER_ENCODING");
    rejects(
      ok("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
      "DUPLICATE_TRANSFER_ENCODING",
    );
    rejects("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "TRANSFER_ENCODING_ON_HTTP_1_0");
  });

  it("refuses a 1xx or 204 response that announces a body; a 304 may carry Content-Length", () => {
    rejects("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "BODY_NOT_ALLOWED");
    rejects("HTTP/1.1 150 X\r\nTransfer-Encoding: chunked\r\n\r\n", "BODY_NOT_ALLOWED");
    assert.equal(parsed("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").contentLength, 0);
    assert.equal(parsed("HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n").contentLength, 1234);
  });

  it("keeps alive unless Connection or Proxy-Connection says close; HTTP/1.0 only with keep-alive", () => {
    assert.equal(parsed(ok()).keepAlive, true);
    assert.equal(parsed(ok("Connection: close\r\n")).keepAlive, false);
    assert.equal(parsed(ok("Proxy-Connection: close\r\n")).keepAlive, false);
    assert.equal(parsed("HTTP/1.0 200 OK\r\n\r\n").keepAlive, false);
    assert.equal(parsed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n").keepAlive, true);
  });

  it("lists the Connection tokens in lower case", () => {
    assert.deepEqual(parsed(ok("Connection: Keep-Alive, X-Hop\r\n")).connectionTokens, [
      "keep-alive",
      "x-hop",
    ]);
  });

  it("returns null for every proper prefix, then the head", () => {
    const text = ok("Content-Type: text/html\r\nContent-Length: 12\r\n");
    const buf = Buffer.from(text);
    for (let end = 0; end < buf.length; end++) {
      assert.equal(parseResponseHead(buf, 0, end), null, `end ${end}`);
    }
    assert.equal(parseResponseHead(buf, 0, buf.length)?.headLength, text.length);
  });

  it("refuses a head larger than maxHeadBytes, and more than maxHeaderCount lines", () => {
    rejects(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(70_000)}`, "HEAD_TOO_LARGE");
    rejects(ok("A: 1\r\nB: 2\r\nC: 3\r\n"), "TOO_MANY_HEADERS", {
      ...DEFAULT_RESPONSE_HEAD_LIMITS,
      maxHeaderCount: 2,
    });
  });
});

describe("response framing", () => {
  const head = (text: string) => parsed(text);

  it("has no body after HEAD, 1xx, 204 and 304, whatever the headers say", () => {
    assert.deepEqual(responseFraming(head(ok("Content-Length: 10\r\n")), "HEAD"), { kind: "none" });
    assert.deepEqual(responseFraming(head("HTTP/1.1 100 Continue\r\n\r\n"), "GET"), { kind: "none" });
    assert.deepEqual(responseFraming(head("HTTP/1.1 204 No Content\r\n\r\n"), "GET"), { kind: "none" });
    assert.deepEqual(responseFraming(head("HTTP/1.1 304 X\r\nContent-Length: 10\r\n\r\n"), "GET"), {
      kind: "none",
    });
  });

  it("reads chunked, then Content-Length, else until the upstream closes", () => {
    assert.deepEqual(responseFraming(head(ok("Transfer-Encoding: chunked\r\n")), "GET"), { kind: "chunked" });
    assert.deepEqual(responseFraming(head(ok("Content-Length: 10\r\n")), "GET"), {
      kind: "length",
      length: 10,
    });
    assert.deepEqual(responseFraming(head(ok("Content-Length: 0\r\n")), "GET"), { kind: "none" });
    assert.deepEqual(responseFraming(head(ok()), "POST"), { kind: "close" });
  });
});
