import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BodyReader,
  requestFraming,
  type BodyFraming,
  type BodyReaderLimits,
} from "../../../sdk/controller/http1/body-reader";
import { HttpParseError } from "../../../sdk/controller/http1/http-parse-error";
import { parseRequestHead } from "../../../sdk/controller/http1/request-head";

interface ReadResult {
  body: string;
  /** Where the body ended in the whole input, or -1 when it did not. */
  endedAt: number;
  done: boolean;
}

/** Reads `input` (latin1) in the given pieces; the index where the body ended is relative to the whole input. */
function readIn(
  framing: BodyFraming,
  input: string,
  cuts: number[] = [],
  limits?: BodyReaderLimits,
): ReadResult {
  const reader = new BodyReader(framing, limits);
  const buf = Buffer.from(input, "latin1");
  const chunks: Buffer[] = [];
  let endedAt = -1;
  let at = 0;
  for (const cut of [...cuts, buf.length]) {
    const piece = buf.subarray(at, cut);
    const next = reader.read(piece, 0, piece.length, (chunk) => chunks.push(Buffer.from(chunk)));
    if (reader.done && endedAt === -1) endedAt = at + next;
    at = cut;
    if (reader.done) break;
  }
  return { body: Buffer.concat(chunks).toString("latin1"), endedAt, done: reader.done };
}

function readError(framing: BodyFraming, input: string, limits?: BodyReaderLimits): HttpParseError {
  try {
    readIn(framing, input, [], limits);
  } catch (e) {
    assert.ok(e instanceof HttpParseError, String(e));
    return e;
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

function rejects(input: string, code: string, limits?: BodyReaderLimits): void {
  const error = readError(CHUNKED, input, limits);
  assert.deepEqual({ status: error.status, code: error.code }, { status: 400, code }, JSON.stringify(input));
}

const CHUNKED: BodyFraming = { kind: "chunked" };

describe("body reader: Content-Length bodies", () => {
  it("reads exactly the length and returns where the next message starts", () => {
    assert.deepEqual(readIn({ kind: "length", length: 5 }, "helloGET /"), {
      body: "hello",
      endedAt: 5,
      done: true,
    });
  });

  it("gives the same bytes and end for every split point", () => {
    const input = "0123456789NEXT";
    for (let cut = 1; cut < input.length; cut++) {
      assert.deepEqual(readIn({ kind: "length", length: 10 }, input, [cut]), {
        body: "0123456789",
        endedAt: 10,
        done: true,
      });
    }
  });

  it("hands out views of the caller's buffer, not copies", () => {
    const buf = Buffer.from("abcdef");
    const views: Buffer[] = [];
    new BodyReader({ kind: "length", length: 4 }).read(buf, 1, buf.length, (chunk) => views.push(chunk));
    assert.equal(views.length, 1);
    assert.equal(views[0]!.buffer, buf.buffer);
    assert.equal(views[0]!.byteOffset, buf.byteOffset + 1);
    assert.equal(views[0]!.toString(), "bcde");
  });

  it("counts received bytes and calls a truncated body an error at EOF", () => {
    const reader = new BodyReader({ kind: "length", length: 10 });
    reader.read(Buffer.from("abc"), 0, 3, () => {});
    assert.equal(reader.received, 3);
    assert.equal(reader.done, false);
    assert.throws(
      () => reader.end(),
      (e: unknown) => e instanceof HttpParseError && e.code === "TRUNCATED_BODY",
    );
  });

  it("is done at once for no body, consuming nothing", () => {
    const reader = new BodyReader({ kind: "none" });
    assert.equal(reader.done, true);
    assert.equal(
      reader.read(Buffer.from("GET"), 0, 3, () => assert.fail("no data expected")),
      0,
    );
    reader.end();
  });

  it("reads a close-delimited body until EOF", () => {
    const reader = new BodyReader({ kind: "close" });
    const chunks: string[] = [];
    assert.equal(
      reader.read(Buffer.from("abc"), 0, 3, (c) => chunks.push(c.toString())),
      3,
    );
    assert.equal(reader.done, false);
    reader.end();
    assert.equal(reader.done, true);
    assert.deepEqual(chunks, ["abc"]);
    assert.equal(reader.received, 3);
  });
});

describe("body reader: chunked bodies", () => {
  const post =
    "5\r\nhello\r\n" +
    "1A;name=value;flag\r\n" +
    "abcdefghijklmnopqrstuvwxyz\r\n" +
    'b;q="a \\"quoted\\" one"\r\n' +
    " world!!!!!\r\n" +
    "0\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\n";
  const expected = "hello" + "abcdefghijklmnopqrstuvwxyz" + " world!!!!!";

  it("removes the framing, validates and drops extensions and trailers, and stops at the next message", () => {
    assert.deepEqual(readIn(CHUNKED, post + "GET / HTTP/1.1\r\n"), {
      body: expected,
      endedAt: post.length,
      done: true,
    });
  });

  it("gives the same bytes and end for every split point of a chunked POST, and for any two", () => {
    const input = post + "NEXT";
    for (let cut = 1; cut < input.length; cut++) {
      assert.deepEqual(
        readIn(CHUNKED, input, [cut]),
        { body: expected, endedAt: post.length, done: true },
        `cut ${cut}`,
      );
    }
    for (let a = 1; a < input.length; a += 3) {
      for (let b = a + 1; b < input.length; b += 5) {
        assert.deepEqual(readIn(CHUNKED, input, [a, b]).body, expected, `cuts ${a}, ${b}`);
      }
    }
  });

  it("reads a chunked POST fed a byte at a time", () => {
    const cuts = Array.from({ length: post.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(readIn(CHUNKED, post, cuts), { body: expected, endedAt: post.length, done: true });
  });

  it("accepts upper-case and zero-padded sizes up to 16 hex digits", () => {
    assert.equal(readIn(CHUNKED, "000A\r\n0123456789\r\n0000000000000000\r\n\r\n").body, "0123456789");
  });

  it("is not done before the final CRLF, and calls that truncated at EOF", () => {
    const reader = new BodyReader(CHUNKED);
    reader.read(Buffer.from("3\r\nabc\r\n0\r\n"), 0, 11, () => {});
    assert.equal(reader.done, false);
    assert.throws(
      () => reader.end(),
      (e: unknown) => e instanceof HttpParseError && e.code === "TRUNCATED_BODY",
    );
  });

  it("refuses a chunk size that is not 1*HEXDIG, with whitespace around it or none at all", () => {
    for (const line of ["g", "-1", "0x5", "", " 5", "5 ", "5\t", "+5"]) {
      rejects(`${line}\r\nhello\r\n0\r\n\r\n`, "INVALID_CHUNK_SIZE");
    }
  });

  it("refuses a chunk size of more than 16 hex digits or above 2^53-1", () => {
    rejects("00000000000000005\r\nhello\r\n0\r\n\r\n", "CHUNK_SIZE_TOO_LARGE");
    rejects("20000000000000\r\n", "CHUNK_SIZE_TOO_LARGE");
  });

  it("refuses malformed chunk extensions", () => {
    for (const ext of [
      "; a",
      ";",
      ";a=",
      ";=b",
      ";a=b c",
      ';a="open',
      ";a\t=b",
      ";a =b",
      ';a=b"c"',
      ';a="\\\x00"',
      ";a=\x80",
    ]) {
      rejects(`5${ext}\r\nhello\r\n0\r\n\r\n`, "INVALID_CHUNK_EXTENSION");
    }
  });

  it("refuses chunk data not followed by exactly CRLF", () => {
    rejects("5\r\nhelloX\r\n0\r\n\r\n", "MISSING_CHUNK_CRLF");
    rejects("5\r\nhello\n0\r\n\r\n", "BARE_LF");
    rejects("5\r\nhello\rX0\r\n\r\n", "BARE_CR");
  });

  it("refuses a bare LF or CR in a chunk-size line", () => {
    rejects("5\nhello\r\n0\r\n\r\n", "BARE_LF");
    rejects("5;a\nhello\r\n0\r\n\r\n", "BARE_LF");
    rejects("5\rhello\r\n0\r\n\r\n", "BARE_CR");
  });

  it("refuses a chunk-size line longer than maxChunkLineBytes", () => {
    rejects(`5;a=${"b".repeat(5000)}\r\nhello\r\n0\r\n\r\n`, "CHUNK_LINE_TOO_LONG");
    rejects("5;a=bbbb\r\nhello\r\n0\r\n\r\n", "CHUNK_LINE_TOO_LONG", { maxChunkLineBytes: 8 });
  });

  it("checks trailer fields like header fields", () => {
    rejects("0\r\nX-A: 1\r\n folded\r\n\r\n", "OBS_FOLD");
    rejects("0\r\nX(A): 1\r\n\r\n", "INVALID_HEADER_NAME");
    rejects("0\r\nX-A : 1\r\n\r\n", "WHITESPACE_BEFORE_COLON");
    rejects("0\r\nX-A: \x00\r\n\r\n", "INVALID_HEADER_VALUE");
    rejects("0\r\nX-A: 1\n\r\n", "BARE_LF");
    rejects("0\r\nX-A: 1\rX\r\n\r\n", "BARE_CR");
    rejects("0\r\n\rX", "BARE_CR");
  });

  it("refuses framing, routing and connection fields in trailers", () => {
    for (const name of ["Content-Length", "transfer-encoding", "Host", "Connection", "Upgrade", "Trailer"]) {
      rejects(`0\r\n${name}: x\r\n\r\n`, "FORBIDDEN_TRAILER");
    }
  });

  it("refuses a trailer section larger than maxTrailerBytes", () => {
    rejects(`0\r\nX: ${"a".repeat(20_000)}\r\n\r\n`, "TRAILERS_TOO_LARGE");
    // "X: 1\r\n\r\n" is 8 bytes, the final CRLF included.
    assert.equal(readIn(CHUNKED, "0\r\nX: 1\r\n\r\n", [], { maxTrailerBytes: 8 }).done, true);
    rejects("0\r\nX: 12\r\n\r\n", "TRAILERS_TOO_LARGE", { maxTrailerBytes: 8 });
  });
});

describe("request framing", () => {
  const framing = (lines: string) => {
    const buf = Buffer.from(`POST / HTTP/1.1\r\nHost: h\r\n${lines}\r\n`);
    return requestFraming(parseRequestHead(buf, 0, buf.length)!);
  };

  it("is chunked, a length above 0, or none", () => {
    assert.deepEqual(framing("Transfer-Encoding: chunked\r\n"), { kind: "chunked" });
    assert.deepEqual(framing("Content-Length: 7\r\n"), { kind: "length", length: 7 });
    assert.deepEqual(framing("Content-Length: 0\r\n"), { kind: "none" });
    assert.deepEqual(framing(""), { kind: "none" });
  });
});
