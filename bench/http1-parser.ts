// npm run bench:http1 — ns per request head for the controller's HTTP/1.1 parser next to Node's own llhttp
// parsing the same bytes in the same run (these machines are shared and noisy, so the ratio is the figure to
// read). Each case is timed in several interleaved rounds and the best round of each parser is kept.
//   BENCH_ITERATIONS (default 300000) heads per round, BENCH_ROUNDS (default 5).
import { BodyReader, requestFraming } from "../sdk/controller/http1/body-reader";
import { RequestHeadProgress, parseRequestHead } from "../sdk/controller/http1/request-head";
import { parseResponseHead } from "../sdk/controller/http1/response-head";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser } = require("_http_common") as { HTTPParser: LlhttpParserClass };

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  [key: number]: unknown;
}
interface LlhttpParserClass {
  new (): LlhttpParser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const browserGet = Buffer.from(
  "GET /assets/app.js?v=1a2b3c HTTP/1.1\r\n" +
    "Host: shop.example.com\r\n" +
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
    "Accept-Language: en-US,en;q=0.5\r\n" +
    "Accept-Encoding: gzip, deflate, br\r\n" +
    "Connection: keep-alive\r\n\r\n",
);
const postBody = '{"sku":"A-1","qty":2}';
const apiPost = Buffer.from(
  "POST /api/cart/items HTTP/1.1\r\n" +
    "Host: shop.example.com\r\n" +
    "Content-Type: application/json\r\n" +
    `Content-Length: ${postBody.length}\r\n` +
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl\r\n" +
    "Accept: */*\r\n\r\n" +
    postBody,
);
const upstreamResponse = Buffer.from(
  "HTTP/1.1 200 OK\r\n" +
    "Content-Type: application/json; charset=utf-8\r\n" +
    "Content-Length: 2\r\n" +
    "Date: Mon, 02 Jun 2025 10:00:00 GMT\r\n" +
    "Cache-Control: no-store\r\n" +
    "Connection: keep-alive\r\n\r\n{}",
);

let sink = 0;

function timeOneRound(run: () => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  return Number(process.hrtime.bigint() - t0) / ITERATIONS;
}

/** Best round of each, the rounds interleaved so that both parsers see the same machine weather. */
function timeBoth(a: () => void, b: () => void): [number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    bestA = Math.min(bestA, timeOneRound(a));
    bestB = Math.min(bestB, timeOneRound(b));
  }
  return [bestA, bestB];
}

function ours(message: Buffer): () => void {
  const onData = (chunk: Buffer): void => {
    sink += chunk.length;
  };
  return () => {
    const head = parseRequestHead(message, 0, message.length);
    if (head === null) throw new Error("incomplete");
    sink += head.rawHeaders.length;
    const framing = requestFraming(head);
    if (framing.kind !== "none") {
      new BodyReader(framing).read(message, head.headLength, message.length, onData);
    }
  };
}

function oursResponse(message: Buffer): () => void {
  return () => {
    const head = parseResponseHead(message, 0, message.length);
    if (head === null) throw new Error("incomplete");
    sink += head.rawHeaders.length;
  };
}

function llhttp(message: Buffer, type: number): () => void {
  const parser = new HTTPParser();
  parser.initialize(type, {}, 16384, HTTPParser.kLenientNone);
  parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, headers: string[]) => {
    sink += headers.length;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
    sink += chunk.length;
  };
  parser[HTTPParser.kOnMessageComplete] = () => {};
  return () => {
    const result = parser.execute(message);
    if (result instanceof Error) throw result;
  };
}

const cases: [string, () => void, () => void][] = [
  ["browser GET, 6 headers", ours(browserGet), llhttp(browserGet, HTTPParser.REQUEST)],
  ["API POST, 5 headers + 21-byte body", ours(apiPost), llhttp(apiPost, HTTPParser.REQUEST)],
  [
    "upstream 200, 5 headers (head only)",
    oursResponse(upstreamResponse),
    llhttp(upstreamResponse, HTTPParser.RESPONSE),
  ],
];

console.log(`${ITERATIONS} heads per round, best of ${ROUNDS} rounds`);
for (const [name, runOurs, runLlhttp] of cases) {
  const [oursNs, llhttpNs] = timeBoth(runOurs, runLlhttp);
  console.log(
    `${name.padEnd(38)} ours ${oursNs.toFixed(0).padStart(6)} ns/op   llhttp ${llhttpNs.toFixed(0).padStart(6)} ns/op   ratio ${(oursNs / llhttpNs).toFixed(2)}`,
  );
}
// A slow client: a 12 KiB head fed one byte per call, resumed with a RequestHeadProgress against rescanned.
const slowHead = Buffer.from(
  `GET / HTTP/1.1\r\nHost: shop.example.com\r\nX-Long: ${"v".repeat(12_000)}\r\n\r\n`,
);
function byteAtATime(progress: () => RequestHeadProgress | undefined): () => void {
  return () => {
    const scan = progress();
    let head = null;
    for (let end = 1; end <= slowHead.length && head === null; end++) {
      head = parseRequestHead(slowHead, 0, end, undefined, scan);
    }
    if (head === null) throw new Error("incomplete");
    sink += head.headLength;
  };
}
const slowRounds = 3;
let resumedMs = Infinity;
let rescannedMs = Infinity;
for (let r = 0; r < slowRounds; r++) {
  const t0 = process.hrtime.bigint();
  byteAtATime(() => new RequestHeadProgress())();
  const t1 = process.hrtime.bigint();
  byteAtATime(() => undefined)();
  const t2 = process.hrtime.bigint();
  resumedMs = Math.min(resumedMs, Number(t1 - t0) / 1e6);
  rescannedMs = Math.min(rescannedMs, Number(t2 - t1) / 1e6);
}
console.log(
  `12 KiB head a byte at a time: resumed ${resumedMs.toFixed(1)} ms, rescanned ${rescannedMs.toFixed(1)} ms (${(rescannedMs / resumedMs).toFixed(1)}x)`,
);
if (sink === 42) console.log("");
