// Message bodies (RFC 9112 6-7): how long a body is, and reading it incrementally. Payload bytes are handed out
// as views of the caller's buffer; the chunked framing is checked one byte at a time, so a message split at any
// byte gives the same result as the whole message.
import * as chars from "./char-classes";
import { FieldLineBounds, latin1, scanFieldLine } from "./field-line";
import { HttpParseError } from "./http-parse-error";
import type { RequestHead } from "./request-head";
import type { ResponseHead } from "./response-head";
// Module-level copies of imported bindings: tsx (esbuild) compiles each imported name to a getter call, which
// costs more than the work of a whole byte in the loops below.
const { CR, FIELD_VALUE, HEX_VALUE, LF, NOT_HEX, QDTEXT, TOKEN } = chars;

export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  /** A response read until the upstream closes the connection. */
  | { kind: "close" };

const NO_BODY: BodyFraming = Object.freeze({ kind: "none" });
const CHUNKED_BODY: BodyFraming = Object.freeze({ kind: "chunked" });
const BODY_UNTIL_CLOSE: BodyFraming = Object.freeze({ kind: "close" });

/** A request has a body only when it says so (RFC 9112 6.3): chunked, or a Content-Length above 0. */
export function requestFraming(head: RequestHead): BodyFraming {
  if (head.chunked) return CHUNKED_BODY;
  if (head.contentLength > 0) return { kind: "length", length: head.contentLength };
  return NO_BODY;
}

/** RFC 9112 6.3: no body after HEAD, 1xx, 204 and 304; then chunked; then Content-Length; else until close. */
export function responseFraming(head: ResponseHead, requestMethod: string): BodyFraming {
  const status = head.statusCode;
  if (requestMethod === "HEAD" || status < 200 || status === 204 || status === 304) return NO_BODY;
  if (head.chunked) return CHUNKED_BODY;
  if (head.contentLength === 0) return NO_BODY;
  if (head.contentLength > 0) return { kind: "length", length: head.contentLength };
  return BODY_UNTIL_CLOSE;
}

export interface BodyReaderLimits {
  /** Bytes of one chunk-size line, extensions and CRLF included. Default 4096. */
  maxChunkLineBytes?: number;
  /** Bytes of the trailer section after the last chunk, its final CRLF included. Default 16384. */
  maxTrailerBytes?: number;
}

// Reader states. The chunk-size line: size digits, then ";name[=token|"quoted"]" extensions, then CRLF.
const DONE = 0;
const LENGTH = 1;
const UNTIL_EOF = 2;
const SIZE_FIRST = 3;
const SIZE = 4;
const EXT_NAME_FIRST = 5;
const EXT_NAME = 6;
const EXT_VALUE_FIRST = 7;
const EXT_TOKEN = 8;
const EXT_QUOTED = 9;
const EXT_QUOTED_PAIR = 10;
const EXT_QUOTED_END = 11;
const SIZE_LF = 12;
const DATA = 13;
const DATA_CR = 14;
const DATA_LF = 15;
const TRAILER = 16;
const TRAILER_LF = 17;

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
/** 16 hex digits, as the issue allows; the value must also stay within 2^53-1. */
const MAX_SIZE_DIGITS = 16;
const BAD_REQUEST = 400;

/**
 * Fields that frame, route or manage the connection mean nothing after the body (RFC 9110 6.5.1), and llhttp
 * acts on some of them in trailers (a Connection: close there ends its keep-alive), so two readers would
 * disagree about what follows. They are refused rather than ignored.
 */
const FORBIDDEN_TRAILERS = new Set([
  "content-length",
  "transfer-encoding",
  "host",
  "connection",
  "proxy-connection",
  "keep-alive",
  "te",
  "trailer",
  "upgrade",
]);

/**
 * Reads one message body. Its errors carry status 400; for an upstream's body the status is moot (the response
 * head has been relayed already) and the caller closes both connections.
 */
export class BodyReader {
  private state: number;
  /** Bytes of the body (length framing) or of the current chunk's data still to come. */
  private remaining = 0;
  private chunkSize = 0;
  private sizeDigits = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  /** The trailer line being read, copied because its bytes may span reads; allocated on the first trailer. */
  private trailerLine: Buffer | null = null;
  private trailerLength = 0;
  private receivedBytes = 0;
  private readonly maxChunkLineBytes: number;
  private readonly maxTrailerBytes: number;

  constructor(framing: BodyFraming, limits?: BodyReaderLimits) {
    this.maxChunkLineBytes = limits?.maxChunkLineBytes ?? 4096;
    this.maxTrailerBytes = limits?.maxTrailerBytes ?? 16384;
    switch (framing.kind) {
      case "none":
        this.state = DONE;
        break;
      case "length":
        this.remaining = framing.length;
        this.state = framing.length === 0 ? DONE : LENGTH;
        break;
      case "chunked":
        this.state = SIZE_FIRST;
        break;
      case "close":
        this.state = UNTIL_EOF;
        break;
    }
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /** Payload bytes so far (chunked framing excluded). */
  get received(): number {
    return this.receivedBytes;
  }

  /**
   * Consumes body bytes from buf[start, end), calling onData with views (no copies) of the payload bytes.
   * Returns the index just after the bytes consumed: `end` when more is needed, less when the body ended (the
   * rest is the next message). Throws HttpParseError.
   */
  read(buf: Buffer, start: number, end: number, onData: (chunk: Buffer) => void): number {
    let i = start;
    while (i < end) {
      const state = this.state;
      if (state === DONE) return i;
      if (state === LENGTH || state === DATA) {
        const n = Math.min(this.remaining, end - i);
        this.remaining -= n;
        this.receivedBytes += n;
        onData(buf.subarray(i, i + n));
        i += n;
        if (this.remaining === 0) this.state = state === LENGTH ? DONE : DATA_CR;
      } else if (state === UNTIL_EOF) {
        this.receivedBytes += end - i;
        onData(buf.subarray(i, end));
        i = end;
      } else if (state === TRAILER) {
        i = this.readTrailer(buf, i, end);
      } else {
        this.framingByte(buf[i]!);
        i++;
      }
    }
    return i;
  }

  /** EOF from the peer: completes a body read until close; a length or chunked body not finished is truncated. */
  end(): void {
    if (this.state === UNTIL_EOF) this.state = DONE;
    if (this.state !== DONE) {
      throw new HttpParseError(BAD_REQUEST, "TRUNCATED_BODY", "The connection closed before the body ended");
    }
  }

  /** One byte of a chunk-size line or of the CRLF after chunk data. */
  private framingByte(b: number): void {
    const state = this.state;
    if (state <= SIZE_LF && ++this.lineBytes > this.maxChunkLineBytes) {
      throw new HttpParseError(
        BAD_REQUEST,
        "CHUNK_LINE_TOO_LONG",
        `Chunk-size line longer than ${this.maxChunkLineBytes} bytes`,
      );
    }
    switch (state) {
      case SIZE_FIRST:
      case SIZE: {
        const digit = HEX_VALUE[b]!;
        if (digit !== NOT_HEX) {
          if (++this.sizeDigits > MAX_SIZE_DIGITS) throw chunkTooLarge();
          this.chunkSize = this.chunkSize * 16 + digit;
          if (this.chunkSize > Number.MAX_SAFE_INTEGER) throw chunkTooLarge();
          this.state = SIZE;
        } else if (state === SIZE && b === SEMICOLON) this.state = EXT_NAME_FIRST;
        else if (state === SIZE && b === CR) this.state = SIZE_LF;
        else if (b === LF) throw bareLf();
        else throw new HttpParseError(BAD_REQUEST, "INVALID_CHUNK_SIZE", "A chunk size that is not 1*HEXDIG");
        return;
      }
      case EXT_NAME_FIRST:
        if (TOKEN[b] === 1) this.state = EXT_NAME;
        else throw invalidExtension(b);
        return;
      case EXT_NAME:
        if (TOKEN[b] === 1) return;
        if (b === EQUALS) this.state = EXT_VALUE_FIRST;
        else if (b === SEMICOLON) this.state = EXT_NAME_FIRST;
        else if (b === CR) this.state = SIZE_LF;
        else throw invalidExtension(b);
        return;
      case EXT_VALUE_FIRST:
        if (b === DQUOTE) this.state = EXT_QUOTED;
        else if (TOKEN[b] === 1) this.state = EXT_TOKEN;
        else throw invalidExtension(b);
        return;
      case EXT_TOKEN:
        if (TOKEN[b] === 1) return;
        if (b === SEMICOLON) this.state = EXT_NAME_FIRST;
        else if (b === CR) this.state = SIZE_LF;
        else throw invalidExtension(b);
        return;
      case EXT_QUOTED:
        if (QDTEXT[b] === 1) return;
        if (b === BACKSLASH) this.state = EXT_QUOTED_PAIR;
        else if (b === DQUOTE) this.state = EXT_QUOTED_END;
        else throw invalidExtension(b);
        return;
      case EXT_QUOTED_PAIR:
        if (FIELD_VALUE[b] === 1) this.state = EXT_QUOTED;
        else throw invalidExtension(b);
        return;
      case EXT_QUOTED_END:
        if (b === SEMICOLON) this.state = EXT_NAME_FIRST;
        else if (b === CR) this.state = SIZE_LF;
        else throw invalidExtension(b);
        return;
      case SIZE_LF:
        if (b !== LF) throw bareCr();
        this.lineBytes = 0;
        this.sizeDigits = 0;
        if (this.chunkSize === 0) {
          this.state = TRAILER;
        } else {
          this.remaining = this.chunkSize;
          this.chunkSize = 0;
          this.state = DATA;
        }
        return;
      case DATA_CR:
        if (b === CR) this.state = DATA_LF;
        else if (b === LF) throw bareLf();
        else throw new HttpParseError(BAD_REQUEST, "MISSING_CHUNK_CRLF", "Chunk data not followed by CRLF");
        return;
      case DATA_LF:
        if (b !== LF) throw bareCr();
        this.state = SIZE_FIRST;
        return;
      case TRAILER_LF:
        if (++this.trailerBytes > this.maxTrailerBytes) throw trailersTooLarge(this.maxTrailerBytes);
        if (b !== LF) throw bareCr();
        this.endTrailerLine();
        return;
    }
  }

  /** Copies trailer bytes up to the next CR or LF; returns where it stopped. */
  private readTrailer(buf: Buffer, start: number, end: number): number {
    const room = this.maxTrailerBytes - this.trailerBytes;
    const limit = Math.min(end, start + room);
    let i = start;
    while (i < limit && buf[i] !== CR && buf[i] !== LF) i++;
    if (i > start) this.appendTrailer(buf, start, i);
    this.trailerBytes += i - start;
    if (i === end) return i;
    if (i === limit) throw trailersTooLarge(this.maxTrailerBytes);
    this.trailerBytes++;
    if (buf[i] === LF) throw bareLf();
    this.state = TRAILER_LF;
    return i + 1;
  }

  private appendTrailer(buf: Buffer, start: number, end: number): void {
    const needed = this.trailerLength + (end - start) + 2;
    let line = this.trailerLine;
    if (line === null || line.length < needed) {
      const grown = Buffer.allocUnsafe(Math.max(256, needed * 2));
      if (line !== null) line.copy(grown, 0, 0, this.trailerLength);
      line = this.trailerLine = grown;
    }
    buf.copy(line, this.trailerLength, start, end);
    this.trailerLength += end - start;
  }

  /** A complete trailer line: the empty one ends the body, any other is checked like a header, then dropped. */
  private endTrailerLine(): void {
    const length = this.trailerLength;
    if (length === 0) {
      this.state = DONE;
      return;
    }
    this.appendTrailer(CRLF, 0, 2);
    const line = this.trailerLine!;
    trailerBounds.begin(0);
    scanFieldLine(line, length + 2, trailerBounds, BAD_REQUEST);
    const name = latin1(line, 0, trailerBounds.nameEnd).toLowerCase();
    if (FORBIDDEN_TRAILERS.has(name)) {
      throw new HttpParseError(
        BAD_REQUEST,
        "FORBIDDEN_TRAILER",
        `Header "${name}" is not allowed in a trailer`,
      );
    }
    this.trailerLength = 0;
    this.state = TRAILER;
  }
}

const CRLF = Buffer.from("\r\n");
const trailerBounds = new FieldLineBounds();

function chunkTooLarge(): HttpParseError {
  return new HttpParseError(
    BAD_REQUEST,
    "CHUNK_SIZE_TOO_LARGE",
    "A chunk size above 2^53-1 or of more than 16 digits",
  );
}

function invalidExtension(b: number): HttpParseError {
  if (b === LF) return bareLf();
  return new HttpParseError(BAD_REQUEST, "INVALID_CHUNK_EXTENSION", "Invalid chunk extension");
}

function trailersTooLarge(max: number): HttpParseError {
  return new HttpParseError(BAD_REQUEST, "TRAILERS_TOO_LARGE", `Trailer section larger than ${max} bytes`);
}

function bareCr(): HttpParseError {
  return new HttpParseError(BAD_REQUEST, "BARE_CR", "A CR not followed by LF in chunked framing");
}

function bareLf(): HttpParseError {
  return new HttpParseError(BAD_REQUEST, "BARE_LF", "An LF not preceded by CR in chunked framing");
}
