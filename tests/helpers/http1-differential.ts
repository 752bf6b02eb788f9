// Differential testing of the controller's HTTP/1.1 parser against Node's own, llhttp (in strict mode, as
// node:http runs it), driven in-process through `_http_common`'s HTTPParser.
//
// Byte streams come from a grammar of valid and invalid pieces (plus random byte mutations of valid messages)
// and are fed to both parsers in the same random splits. The property: every head and body we accept, llhttp
// accepts and reads the same way; what llhttp refuses, we refuse or still wait for. We may refuse more.
import { METHODS } from "node:http";
import fc from "fast-check";
import { BodyReader, requestFraming, responseFraming } from "../../sdk/controller/http1/body-reader";
import { HttpParseError } from "../../sdk/controller/http1/http-parse-error";
import { parseRequestHead, RequestHeadProgress } from "../../sdk/controller/http1/request-head";
import { parseResponseHead } from "../../sdk/controller/http1/response-head";

// ---------------------------------------------------------------------------------------------------------------
// llhttp, as node:http drives it (lib/_http_common.js, lib/_http_server.js)

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [key: number]: unknown;
}
interface LlhttpParserClass {
  new (): LlhttpParser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}
// `_http_common` is internal to Node, but it is the very parser node:http serves with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser } = require("_http_common") as { HTTPParser: LlhttpParserClass };

/** llhttp's method numbers are its own (QUERY is 46), so learn each name's number by parsing it once. */
const LLHTTP_METHOD_NAMES = (() => {
  const names = new Map<number, string>();
  for (const method of METHODS) {
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {}, 16384, HTTPParser.kLenientNone);
    parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, _h: unknown, index: number) => {
      names.set(index, method);
    };
    parser[HTTPParser.kOnMessageComplete] = () => {};
    parser.execute(
      Buffer.from(`${method} ${method === "CONNECT" ? "h:1" : "/"} HTTP/1.1\r\nHost: h\r\n\r\n`),
    );
    parser.close();
  }
  return names;
})();

/** What one side made of one message: present once its head was accepted. */
export interface ParsedMessage {
  method: string | undefined;
  target: string | undefined;
  statusCode: number | undefined;
  reason: string | undefined;
  minorVersion: number;
  rawHeaders: string[];
  keepAlive: boolean;
  upgrade: boolean;
  body: Buffer[];
  complete: boolean;
}

export interface Outcome {
  messages: ParsedMessage[];
  /** The error code that stopped parsing, if any. */
  error: string | undefined;
}

export type MessageKind = "request" | "response";

/** A stream for one connection: the bytes, where they are split, and for responses each request's method. */
export interface StreamCase {
  kind: MessageKind;
  bytes: Buffer;
  /** Split offsets, ascending, each in (0, bytes.length). */
  splits: number[];
  requestMethods: string[];
}

export function chunksOf(bytes: Buffer, splits: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const split of splits) {
    chunks.push(bytes.subarray(at, split));
    at = split;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

export function runLlhttp(kind: MessageKind, chunks: Buffer[], requestMethods: string[] = []): Outcome {
  const parser = new HTTPParser();
  parser.initialize(
    kind === "request" ? HTTPParser.REQUEST : HTTPParser.RESPONSE,
    {},
    kind === "request" ? 16384 : 65536,
    HTTPParser.kLenientNone,
  );
  const messages: ParsedMessage[] = [];
  let pendingHeaders: string[] = [];
  let pendingUrl = "";
  let current: ParsedMessage | undefined;
  let upgraded = false;
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    if (current !== undefined) return; // trailers: llhttp checks them, node drops them
    pendingHeaders.push(...headers);
    pendingUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number | undefined,
    url: string | undefined,
    statusCode: number | undefined,
    statusMessage: string | undefined,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ) => {
    current = {
      method: kind === "request" ? LLHTTP_METHOD_NAMES.get(method ?? -1) : undefined,
      target: kind === "request" ? pendingUrl + (url ?? "") : undefined,
      statusCode: kind === "response" ? statusCode : undefined,
      reason: kind === "response" ? (statusMessage ?? "") : undefined,
      minorVersion: major === 1 ? minor : -1,
      rawHeaders: [...pendingHeaders, ...(headers ?? [])],
      keepAlive: shouldKeepAlive,
      upgrade: upgrade || (kind === "response" && statusCode === 101),
      body: [],
      complete: false,
    };
    pendingHeaders = [];
    pendingUrl = "";
    messages.push(current);
    if (current.upgrade) upgraded = true;
    // node's client tells llhttp that a response to HEAD has no body, as this return value does.
    return kind === "response" && requestMethods[messages.length - 1] === "HEAD" ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
    current?.body.push(Buffer.from(chunk));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (current !== undefined) current.complete = true;
    current = undefined;
  };
  let error: string | undefined;
  try {
    for (const chunk of chunks) {
      const result = parser.execute(chunk);
      if (result instanceof Error) {
        error = (result as Error & { code?: string }).code ?? "ERROR";
        break;
      }
      if (upgraded) break;
    }
    if (error === undefined && !upgraded) {
      const result = parser.finish();
      if (result instanceof Error) error = (result as Error & { code?: string }).code ?? "ERROR";
    }
  } finally {
    parser.close();
  }
  return { messages, error };
}

/**
 * Ours, as the connection code will use it: heads parsed from the start of the unconsumed bytes (with a
 * RequestHeadProgress when `useProgress`), bodies read by a BodyReader, and the connection closed after a
 * message that does not keep it alive or that upgrades it.
 */
export function runOurs(
  kind: MessageKind,
  chunks: Buffer[],
  requestMethods: string[] = [],
  useProgress = true,
): Outcome {
  const messages: ParsedMessage[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let reader: BodyReader | undefined;
  let current: ParsedMessage | undefined;
  let progress = new RequestHeadProgress();
  let closed = false;
  const onData = (chunk: Buffer): void => {
    current!.body.push(Buffer.from(chunk));
  };
  const finishMessage = (): void => {
    current!.complete = true;
    if (!current!.keepAlive || current!.upgrade) closed = true;
    current = undefined;
    reader = undefined;
  };
  try {
    for (const chunk of chunks) {
      if (closed) break;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let pos = 0;
      while (!closed && pos <= pending.length) {
        if (reader === undefined) {
          if (pos === pending.length) break;
          const message = parseHead(
            kind,
            pending,
            pos,
            requestMethods[messages.length] ?? "GET",
            progress,
            useProgress,
          );
          if (message === null) break;
          progress = new RequestHeadProgress();
          pos += message.headLength;
          current = message.parsed;
          messages.push(current);
          reader = message.reader;
          if (current.upgrade) {
            // Whatever follows belongs to another protocol.
            closed = true;
            break;
          }
        }
        pos = reader.read(pending, pos, pending.length, onData);
        if (!reader.done) break;
        finishMessage();
      }
      pending = pending.subarray(pos);
    }
    if (!closed && reader !== undefined) {
      reader.end();
      finishMessage();
    }
  } catch (e) {
    if (e instanceof HttpParseError) return { messages, error: e.code };
    throw e;
  }
  return { messages, error: undefined };
}

function parseHead(
  kind: MessageKind,
  buf: Buffer,
  start: number,
  requestMethod: string,
  progress: RequestHeadProgress,
  useProgress: boolean,
): { parsed: ParsedMessage; headLength: number; reader: BodyReader } | null {
  if (kind === "request") {
    const head = parseRequestHead(buf, start, buf.length, undefined, useProgress ? progress : undefined);
    if (head === null) return null;
    return {
      headLength: head.headLength,
      reader: new BodyReader(requestFraming(head)),
      parsed: {
        method: head.method,
        target: head.target,
        statusCode: undefined,
        reason: undefined,
        minorVersion: head.minorVersion,
        rawHeaders: head.rawHeaders,
        keepAlive: head.keepAlive,
        upgrade: head.upgrade !== undefined,
        body: [],
        complete: false,
      },
    };
  }
  const head = parseResponseHead(buf, start, buf.length);
  if (head === null) return null;
  const framing = responseFraming(head, requestMethod);
  return {
    headLength: head.headLength,
    reader: new BodyReader(framing),
    parsed: {
      method: undefined,
      target: undefined,
      statusCode: head.statusCode,
      reason: head.reason,
      minorVersion: head.minorVersion,
      rawHeaders: head.rawHeaders,
      keepAlive: head.keepAlive && framing.kind !== "close",
      upgrade: head.statusCode === 101,
      body: [],
      complete: false,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The property

/** Whether an outcome read every message of the stream to its end without an error. */
export function acceptedAll(outcome: Outcome): boolean {
  return (
    outcome.error === undefined && outcome.messages.length > 0 && outcome.messages.every((m) => m.complete)
  );
}

/**
 * Compares our outcome with llhttp's; returns what is wrong, or null. Every head we accepted llhttp must have
 * accepted with the same fields; every body we completed llhttp must have completed with the same bytes; a body
 * we are still reading must be a prefix of llhttp's. Comparison stops after an upgrade on either side, as the
 * bytes that follow belong to another protocol.
 */
export function compareWithLlhttp(ours: Outcome, theirs: Outcome): string | null {
  for (let i = 0; i < ours.messages.length; i++) {
    const o = ours.messages[i]!;
    const t = theirs.messages[i];
    if (t === undefined) {
      return `message ${i}: we accepted a head that llhttp did not (llhttp: ${theirs.error ?? "incomplete"})`;
    }
    for (const field of ["method", "target", "statusCode", "reason", "minorVersion"] as const) {
      if (o[field] !== t[field]) {
        return `message ${i}: ${field} differs: ours ${JSON.stringify(o[field])}, llhttp ${JSON.stringify(t[field])}`;
      }
    }
    if (JSON.stringify(o.rawHeaders) !== JSON.stringify(t.rawHeaders)) {
      return `message ${i}: headers differ: ours ${JSON.stringify(o.rawHeaders)}, llhttp ${JSON.stringify(t.rawHeaders)}`;
    }
    if (o.upgrade || t.upgrade) return null;
    const ourBody = Buffer.concat(o.body);
    const theirBody = Buffer.concat(t.body);
    if (o.complete) {
      if (!t.complete) {
        return `message ${i}: we completed a body that llhttp did not (llhttp: ${theirs.error ?? "incomplete"})`;
      }
      if (!ourBody.equals(theirBody)) {
        return `message ${i}: bodies differ (${ourBody.length} vs ${theirBody.length} bytes)`;
      }
      // Keeping a connection open that llhttp would close lets us read a next message that llhttp refuses. (For
      // responses llhttp reports keep-alive before it learns that a HEAD response has no body, so only the next
      // message, compared above, tells.)
      if (o.method !== undefined && o.keepAlive && !t.keepAlive) {
        return `message ${i}: we keep the connection alive, llhttp closes it`;
      }
    } else if (ourBody.length > theirBody.length || !ourBody.equals(theirBody.subarray(0, ourBody.length))) {
      return `message ${i}: the body we read so far is not a prefix of llhttp's`;
    }
  }
  return null;
}

/** Ours fed in splits must equal ours fed whole: the same messages, bodies and error. */
export function compareSplitWithWhole(split: Outcome, whole: Outcome): string | null {
  if (split.error !== whole.error) return `split changes the error: ${split.error} vs whole ${whole.error}`;
  if (split.messages.length !== whole.messages.length) {
    return `split changes the message count: ${split.messages.length} vs whole ${whole.messages.length}`;
  }
  for (let i = 0; i < split.messages.length; i++) {
    const s = split.messages[i]!;
    const w = whole.messages[i]!;
    const { body: sBody, ...sHead } = s;
    const { body: wBody, ...wHead } = w;
    if (JSON.stringify(sHead) !== JSON.stringify(wHead)) return `split changes message ${i}'s head`;
    if (!Buffer.concat(sBody).equals(Buffer.concat(wBody))) return `split changes message ${i}'s body`;
  }
  return null;
}

export interface CaseReport {
  ours: Outcome;
  theirs: Outcome;
  problem: string | null;
}

/** Runs one stream through both parsers (and ours twice: split with progress, whole without). */
export function checkStream(c: StreamCase): CaseReport {
  const chunks = chunksOf(c.bytes, c.splits);
  const ours = runOurs(c.kind, chunks, c.requestMethods, true);
  const whole = runOurs(c.kind, [c.bytes], c.requestMethods, false);
  const theirs = runLlhttp(c.kind, chunks, c.requestMethods);
  const problem = compareSplitWithWhole(ours, whole) ?? compareWithLlhttp(ours, theirs);
  return { ours, theirs, problem };
}

/** A readable form of a case for a failure message. */
export function describeCase(c: StreamCase): string {
  return `${c.kind} ${JSON.stringify(c.bytes.toString("latin1"))} splits ${JSON.stringify(c.splits)} methods ${JSON.stringify(c.requestMethods)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The grammar: valid pieces, each with its invalid variants. A message is "clean" (valid pieces only, so that
// accepted messages get compared field by field) or "faulty" (invalid variants at a low weight), and either may
// then be mutated byte by byte.

type Weighted = [number, fc.Arbitrary<string>];

function weightedOf(options: Weighted[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...options.filter(([weight]) => weight > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })),
  );
}

const pick = (...values: string[]): fc.Arbitrary<string> => fc.constantFrom(...values);

function bytesFrom(pool: string, maxLength: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...pool.split("")), { maxLength }).map((chars) => chars.join(""));
}
const PLAIN = "abcXYZ019-_.~/?=&%+;,:@!*'()[]\"<>\\^`{|}$";
const NASTY = "\x00\x01\x07\x08\x09\x0b\x0c\x0d\x0a\x1f\x7f\x80\x85\xa0\xff#";

const VALUES: Record<string, { valid: string[]; invalid: string[] }> = {
  "content-length": {
    valid: ["0", "5", "10", "005", " 5", "5 ", "9007199254740991"],
    invalid: [
      "5\t",
      "\t5",
      "-1",
      "+5",
      "5, 5",
      "5,5",
      "0x5",
      "1e2",
      "",
      "99999999999999999999",
      "9007199254740992",
      "5 5",
      "\xef\xbc\x95",
    ],
  },
  "transfer-encoding": {
    valid: ["chunked", "Chunked", "CHUNKED", " chunked", "chunked "],
    invalid: [
      "chunked\t",
      "\tchunked",
      "gzip, chunked",
      "chunked, gzip",
      "chunked, chunked",
      "identity",
      "gzip",
      "",
      "chunked,",
      ",chunked",
      "chunked;q=1",
      "x-chunked",
      "chunkedx",
      "gzip,chunked",
      "gzip , chunked",
    ],
  },
  connection: {
    valid: [
      "close",
      "keep-alive",
      "Keep-Alive",
      "Upgrade",
      "upgrade",
      "close, upgrade",
      "keep-alive, Upgrade",
      "closex",
      "x, close",
      "close,",
      "",
      "CLOSE",
      "foo",
      "keep-alive, close",
      "close keep-alive",
    ],
    invalid: ["close\t", "\tclose", "upgrade\t", "keep-alive\t"],
  },
  "proxy-connection": { valid: ["close", "keep-alive", "upgrade", "x"], invalid: [] },
  upgrade: { valid: ["websocket", "h2c", "", "WebSocket"], invalid: [] },
  host: {
    valid: ["example.com", "example.com:8080", "[::1]:80", "", "x", "x "],
    invalid: ["a b", "a/b", "a@b", "exa\x80mple", "\tx"],
  },
  expect: { valid: ["100-continue", "100-Continue", "foo"], invalid: [] },
};
const TRANSFER_ENCODINGS = [...VALUES["transfer-encoding"]!.valid, ...VALUES["transfer-encoding"]!.invalid];

/** Framing and routing fields: in clean messages only where the grammar puts them, once. */
const FRAMING_NAMES = ["Host", "Content-Length", "Transfer-Encoding"];
const NAMES = [
  "Connection",
  "Upgrade",
  "Expect",
  "Accept",
  "X-Custom",
  "User-Agent",
  "Proxy-Connection",
  "Keep-Alive",
  "Trailer",
  "TE",
  "Cookie",
];
const randomCase = (name: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => name.replace(/./g, (c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())));

/** Inserts a header line among a head's lines, never before the first (request or status) line. */
function insertAfterFirstLine(head: string, headerLineText: string, at: number): string {
  if (headerLineText === "") return head;
  const firstEnd = head.indexOf("\n") + 1 || head.length;
  const lines = head
    .slice(firstEnd)
    .match(/[^\n]*\n?/g)!
    .filter((l) => l !== "");
  lines.splice(at % (lines.length + 1), 0, headerLineText);
  return head.slice(0, firstEnd) + lines.join("");
}

/** The message grammar; `f` is 1 for faulty messages and 0 for clean ones (it scales every invalid variant). */
function grammar(f: number): {
  request: fc.Arbitrary<string>;
  response: fc.Arbitrary<string>;
  manyHeaders: fc.Arbitrary<string>;
} {
  const anyText = (maxLength: number) =>
    weightedOf([
      [10, bytesFrom(PLAIN + " ", maxLength)],
      [f, bytesFrom(PLAIN + NASTY, maxLength)],
    ]);
  const eol = weightedOf([
    [60, fc.constant("\r\n")],
    [f, pick("\n", "\r", "\r\r\n", "\n\r", "\r \n")],
  ]);
  const sp = weightedOf([
    [60, fc.constant(" ")],
    [f, pick("  ", "\t", "", "\x0b")],
  ]);
  const method = weightedOf([
    [30, pick("GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH")],
    [4, fc.constantFrom(...METHODS.filter((m) => m !== "CONNECT"))],
    [
      3 * f,
      pick(
        "CONNECT",
        "PRI",
        "get",
        "Get",
        "FOO",
        "DESCRIBE",
        "SETUP",
        "PLAY",
        "GE",
        "GETT",
        "G-ET",
        "",
        "GET\t",
      ),
    ],
    [f, bytesFrom("GETPOSTQUERYabc-\x00 ", 12)],
  ]);
  const target = weightedOf([
    [
      30,
      pick(
        "/",
        "/index.html",
        "/a/b?c=d&e=f",
        "/search?q=a+b%20c",
        "/x/../y",
        "//double",
        "/~u/",
        "/?",
        "/a?b?c",
      ),
    ],
    [
      4,
      pick(
        "http://example.com/",
        "https://example.com:8443/a?b",
        "http://[::1]:80/",
        "HTTP://EXAMPLE.COM/x",
        "http://x",
        "http://x?y",
        "http://x:y:z/",
        "/%",
        '/"<>\\^`{|}',
      ),
    ],
    [3, fc.tuple(pick("/", "http://h/"), bytesFrom(PLAIN, 12)).map(([a, b]) => a + b)],
    [
      6 * f,
      pick(
        "*",
        "http://a@b/",
        "http://a@b@c/",
        "http:///x",
        "http://x#y",
        "ftp://x/",
        "h2://x/",
        "example.com:80",
        "a",
        "http:/x",
        "/#frag",
        "/a#b",
        "/a b",
        "/\x7f",
        "/\x80",
        "/\x00",
        "/\t",
        "",
        "*/x",
        "**",
      ),
    ],
    [3 * f, fc.tuple(pick("/", "http://h/", "http://", "*", "h"), anyText(12)).map(([a, b]) => a + b)],
  ]);
  const version = weightedOf([
    [30, fc.constant("HTTP/1.1")],
    [8, fc.constant("HTTP/1.0")],
    [
      2 * f,
      pick(
        "HTTP/2.0",
        "HTTP/0.9",
        "HTTP/1.2",
        "HTTP/2",
        "http/1.1",
        "HTTP/1.1 ",
        "HTTP/11",
        "HTTP/1.",
        "",
        "HTTP/3.0",
      ),
    ],
    [f, pick("RTSP/1.0", "ICE/1.0", "HTTP/1.1\t", "HTTP/1.01", "HTTP/9.9", "HTTPS/1.1")],
  ]);
  const headerName = weightedOf([
    [30, fc.constantFrom(...NAMES)],
    [4, fc.constantFrom(...NAMES).chain(randomCase)],
    [6 * f, fc.constantFrom(...FRAMING_NAMES).chain(randomCase)],
    [2, bytesFrom("abcXY-_!#$%&'*+.^`|~019", 10).filter((n) => n !== "")],
    [f, pick("", "X Y", "X\x00", "\xdc", "X(Y)", "X/Y", "Content-Length ", " Host", "Host\t", "X\x7f")],
  ]);
  const headerValue = (name: string): fc.Arbitrary<string> => {
    const special = VALUES[name.toLowerCase()];
    const generic = anyText(24);
    if (special === undefined) return generic;
    return weightedOf([
      [8, fc.constantFrom(...special.valid)],
      [
        special.invalid.length > 0 ? 2 * f : 0,
        fc.constantFrom(...(special.invalid.length > 0 ? special.invalid : ["x"])),
      ],
      [1, generic],
    ]);
  };
  const colon = weightedOf([
    [40, fc.constant(": ")],
    [8, fc.constant(":")],
    [2, pick(":  ", ":\t", ": \t")],
    [2 * f, pick(" :", "\t:")],
  ]);
  const headerLine: fc.Arbitrary<string> = weightedOf([
    [40, fc.tuple(headerName, colon).chain(([n, c]) => headerValue(n).map((v) => n + c + v))],
    // Obsolete line folding, lines without a colon, raw junk.
    [f, pick(" folded", "\tfolded", "NoColon", ": empty-name", "X: a\rb", "X: a\nb", "\x00", "X: \x00")],
  ]).chain((content) => eol.map((end) => content + end));

  const headLines = (firstLine: fc.Arbitrary<string>, withHost: boolean): fc.Arbitrary<string> =>
    fc
      .tuple(
        firstLine,
        fc.array(headerLine, { maxLength: 5 }),
        // Host is required by HTTP/1.1: add one nearly always, so that other rules get exercised.
        withHost
          ? weightedOf([
              [20, fc.constant("Host: example.com\r\n")],
              [f, fc.constant("")],
            ])
          : fc.constant(""),
        fc.nat(),
      )
      .map(([first, lines, host, at]) => insertAfterFirstLine(first + lines.join(""), host, at));

  const chunkExtension = weightedOf([
    [20, fc.constant("")],
    [3, pick(";a", ";a=b", ';a="q\\"x"', ";a=b;c=d", ';a=""', ';a="\x80"', ";a;b")],
    [
      3 * f,
      pick(
        "; a",
        ";",
        ";a=",
        ";=b",
        ";a=b c",
        ';a="unterminated',
        ";a\t=b",
        ";a=\x80",
        ';a="\\\x7f"',
        ";a =b",
        ';a=b"c"',
        ";\r",
      ),
    ],
  ]);
  const chunk = fc
    .tuple(
      // A zero size here would be the last chunk, ending the body early.
      fc.integer({ min: 1, max: 20 }),
      weightedOf([
        [20, fc.constant("hex")],
        [2, fc.constant("HEX")],
        [2, fc.constant("zeros")],
        [
          2 * f,
          pick(
            " ",
            "\t",
            "g",
            "-",
            "0x",
            "",
            "ffffffffffffffffff",
            "10000000000000000",
            "00000000000000000001",
          ),
        ],
      ]),
      chunkExtension,
      weightedOf([
        [40, fc.constant("\r\n")],
        [f, pick("\n", "\r", "", "x\r\n", "\r\r\n")],
      ]),
      weightedOf([
        [40, fc.constant("\r\n")],
        [f, pick("\n", "", "\r", "X\r\n", "\r\n\r\n")],
      ]),
    )
    .map(([size, style, ext, sizeEnd, dataEnd]) => {
      const hex = size.toString(16);
      const sizeText =
        style === "hex"
          ? hex
          : style === "HEX"
            ? hex.toUpperCase()
            : style === "zeros"
              ? `000${hex}`
              : style === " " || style === "\t"
                ? `${hex}${style}`
                : style;
      return sizeText + ext + sizeEnd + "d".repeat(size) + dataEnd;
    });
  const trailerLine = weightedOf([
    [10, fc.tuple(pick("X-Checksum", "Expires", "X-T"), anyText(10)).map(([n, v]) => `${n}: ${v}\r\n`)],
    [f, headerLine],
  ]);
  const chunkedBody = fc
    .tuple(
      fc.array(chunk, { maxLength: 3 }),
      weightedOf([
        [20, fc.constant("0")],
        [2, pick("000", "0;a=b")],
        [f, pick("0 ", "", "00000000000000000")],
      ]),
      weightedOf([
        [10, fc.constant("")],
        [2, fc.array(trailerLine, { minLength: 1, maxLength: 2 }).map((lines) => lines.join(""))],
      ]),
      weightedOf([
        [30, fc.constant("\r\n")],
        [f, pick("\n", "", "\r")],
      ]),
      weightedOf([
        [30, fc.constant("\r\n")],
        [f, pick("\n", "", "\r", "\r\n\r\n")],
      ]),
    )
    .map(([chunks, last, trailers, lastEnd, end]) => chunks.join("") + last + lastEnd + trailers + end);

  /** A framing header line and the body it announces; faulty lengths lie, by design. */
  /** `kinds`: "any" for requests, "response" adds bodies read until close, "length" leaves out chunked,
   * "none" is for messages that have no body. */
  const body = (kinds: "any" | "response" | "length" | "none"): fc.Arbitrary<[string, string]> =>
    weightedOf([
      [10, fc.constant("none")],
      [kinds === "none" ? 0 : 8, fc.constant("length")],
      [kinds === "any" || kinds === "response" ? 8 : 0, fc.constant("chunked")],
      [kinds === "response" ? 3 : 0, fc.constant("close")],
    ]).chain((kind): fc.Arbitrary<[string, string]> => {
      if (kind === "none") return fc.constant(["", ""]);
      if (kind === "close") return anyText(20).map((b): [string, string] => ["", b]);
      if (kind === "chunked") {
        return fc
          .tuple(
            weightedOf([
              [20, fc.constant("chunked")],
              [f, fc.constantFrom(...TRANSFER_ENCODINGS)],
            ]),
            chunkedBody,
          )
          .map(([te, b]): [string, string] => [`Transfer-Encoding: ${te}\r\n`, b]);
      }
      return fc
        .tuple(
          fc.nat({ max: 30 }),
          fc.oneof(
            { weight: 10, arbitrary: fc.constant(0) },
            { weight: 2 * f, arbitrary: fc.integer({ min: -5, max: 5 }) },
          ),
        )
        .map(([length, lie]): [string, string] => [
          `Content-Length: ${length}\r\n`,
          "b".repeat(Math.max(0, length + lie)),
        ]);
    });

  const leadingEmptyLines = weightedOf([
    [30, fc.constant("")],
    [3, pick("\r\n", "\r\n\r\n")],
    [f, pick("\n", "\r", "\r\n".repeat(9), " \r\n")],
  ]);
  const request = fc
    .tuple(leadingEmptyLines, fc.tuple(method, sp, target, sp, version, eol))
    .chain(([lead, requestLine]) =>
      // Clean HTTP/1.0 requests are not chunked, which HTTP/1.0 does not know.
      fc.tuple(
        fc.constant(lead),
        headLines(fc.constant(requestLine.join("")), true),
        body(requestLine[4] === "HTTP/1.0" && f === 0 ? "length" : "any"),
      ),
    )
    .chain(([lead, head, [framing, content]]) =>
      fc
        .tuple(fc.nat(), eol)
        .map(([at, end]) => lead + insertAfterFirstLine(head, framing, at) + end + content),
    );

  const statusParts = fc
    .tuple(
      weightedOf([
        [30, fc.constant("HTTP/1.1")],
        [6, fc.constant("HTTP/1.0")],
        [f, pick("HTTP/2.0", "http/1.1", "HTTP/1.2", "RTSP/1.0", "")],
      ]),
      weightedOf([
        [30, pick("200", "204", "304", "404", "500", "301")],
        [4, pick("100", "101", "102", "103", "150", "199")],
        [f, pick("000", "099", "600", "999", "2000", "20", "2OO", "", " 200")],
      ]),
      weightedOf([
        [30, pick(" OK", " Not Found", " ", " a\tb")],
        [6, fc.constant("")],
        [f, pick(" bad\x00", " \x80ok", "\tOK", " \x7f", "  x", " OK\x0b")],
      ]),
      eol,
    )
    .map(([v, code, reason, end]) => ({ line: `${v} ${code}${reason}${end}`, code }));
  const response = statusParts
    .chain(({ line, code }) =>
      // Clean 1xx, 204 and 304 responses announce no body, as RFC 9110 requires.
      fc.tuple(
        headLines(fc.constant(line), false),
        body(
          f === 0 && (code.startsWith("1") || code === "204" || code === "304")
            ? "none"
            : f === 0 && line.startsWith("HTTP/1.0")
              ? "length"
              : "response",
        ),
      ),
    )
    .chain(([head, [framing, content]]) =>
      fc.tuple(fc.nat(), eol).map(([at, end]) => insertAfterFirstLine(head, framing, at) + end + content),
    );
  // More than 32 header lines: node hands them over in batches (kOnHeaders) before the head completes.
  const manyHeaders = fc
    .tuple(method, fc.array(headerLine, { minLength: 33, maxLength: 60 }))
    .map(([m, lines]) => `${m} /many HTTP/1.1\r\nHost: h\r\n${lines.join("")}\r\n`);
  return { request, response, manyHeaders };
}

export const CLEAN = grammar(0);
export const FAULTY = grammar(1);

const MUTATION_BYTES = [0x0d, 0x0a, 0x20, 0x09, 0x00, 0x3a, 0x2c, 0x7f, 0x80, 0xff, 0x61, 0x30, 0x3b, 0x22];

/** Random byte mutations (set, insert, delete) of a generated message. */
function mutated(message: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      message,
      fc.array(
        fc.record({
          at: fc.nat(),
          op: fc.constantFrom("set", "insert", "delete"),
          byte: fc.constantFrom(...MUTATION_BYTES),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([text, edits]) => {
      let s = text;
      for (const { at, op, byte } of edits) {
        const i = s.length === 0 ? 0 : at % s.length;
        const c = String.fromCharCode(byte);
        if (op === "set") s = s.slice(0, i) + c + s.slice(i + 1);
        else if (op === "insert") s = s.slice(0, i) + c + s.slice(i);
        else s = s.slice(0, i) + s.slice(i + 1);
      }
      return s;
    });
}

/** An oversized head: a long target or header value, around the 8 KiB request-line and 16 KiB head limits. */
const oversizedRequest = fc
  .tuple(fc.constantFrom("target", "value"), fc.integer({ min: 8000, max: 17000 }))
  .map(([where, n]) =>
    where === "target"
      ? `GET /${"t".repeat(n)} HTTP/1.1\r\nHost: h\r\n\r\n`
      : `GET / HTTP/1.1\r\nHost: h\r\nX: ${"v".repeat(n)}\r\n\r\n`,
  );

function streamOf(kind: MessageKind, message: fc.Arbitrary<string>): fc.Arbitrary<StreamCase> {
  return fc
    .tuple(
      fc.array(message, { minLength: 1, maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.nat({ max: 3 }),
      fc.array(
        fc.oneof(
          { weight: 6, arbitrary: fc.constant("GET") },
          { weight: 2, arbitrary: fc.constant("HEAD") },
          { weight: 1, arbitrary: fc.constant("POST") },
        ),
        { minLength: 3, maxLength: 3 },
      ),
    )
    .map(([messages, cuts, splitting, requestMethods]) => {
      const bytes = Buffer.from(messages.join(""), "latin1");
      // One in four streams arrives a byte at a time (when short), the others in up to 8 random pieces.
      const splits =
        splitting === 0 && bytes.length < 400
          ? Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1)
          : [...new Set(cuts.map((c) => (bytes.length > 1 ? 1 + (c % (bytes.length - 1)) : 0)))]
              .filter((c) => c > 0)
              .sort((a, b) => a - b);
      return { kind, bytes, splits, requestMethods };
    });
}

function messagesOf(kind: MessageKind): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: CLEAN[kind] },
    { weight: 3, arbitrary: FAULTY[kind] },
    { weight: 2, arbitrary: mutated(CLEAN[kind]) },
    { weight: kind === "request" ? 1 : 0, arbitrary: kind === "request" ? oversizedRequest : CLEAN[kind] },
    { weight: kind === "request" ? 1 : 0, arbitrary: CLEAN.manyHeaders },
  );
}

/** Request streams: one to three pipelined messages (clean, faulty, mutated, or oversized). */
export const requestStreams: fc.Arbitrary<StreamCase> = streamOf("request", messagesOf("request"));

/** Response streams, each response answering `requestMethods[i]` (a HEAD response has no body). */
export const responseStreams: fc.Arbitrary<StreamCase> = streamOf("response", messagesOf("response"));
