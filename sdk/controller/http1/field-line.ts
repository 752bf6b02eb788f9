// One "name: value" field line of a head or a trailer section, checked byte by byte (RFC 9112 5, RFC 9110 5.5).
// Shared by the request and response heads and by the chunked trailers, so all three refuse the same bytes.
import * as chars from "./char-classes";
import { HttpParseError } from "./http-parse-error";
// Module-level copies of imported bindings: tsx (esbuild) compiles each imported name to a getter call, which
// costs more than the work of a whole byte in the loops below.
const { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TOKEN } = chars;

/**
 * One field line's scan: where its parts lie in the buffer (absolute indexes, the value trimmed of OWS), and,
 * while the line is incomplete, how far it is known to be good, so that a retry with more bytes resumes there.
 */
export class FieldLineBounds {
  /** The line's first byte. */
  start = 0;
  /** Bytes before this index are checked. */
  checked = 0;
  /** The colon's index, -1 while the name is being read. */
  nameEnd = -1;
  valueStart = 0;
  valueEnd = 0;

  /** Prepares the scan of a new line starting at `start`. */
  begin(start: number): void {
    this.start = start;
    this.checked = start;
    this.nameEnd = -1;
  }
}

/**
 * Scans the field line begun at out.start (a byte that is not CR, see FieldLineBounds.begin) up to buf[end],
 * resuming where an earlier call on the same line stopped. Returns the index of the CR that ends it, with the
 * bounds in `out`, or -1 when the line is not complete yet. Every check runs in byte order, so a prefix is
 * refused exactly when the whole line would be refused, for the same reason.
 */
export function scanFieldLine(buf: Buffer, end: number, out: FieldLineBounds, status: number): number {
  const start = out.start;
  let i = out.checked;
  if (out.nameEnd === -1) {
    if (i === start && (buf[i] === SP || buf[i] === HTAB)) {
      throw new HttpParseError(
        status,
        "OBS_FOLD",
        "A header line starts with whitespace (obsolete line folding)",
      );
    }
    while (i < end && TOKEN[buf[i]!] === 1) i++;
    if (i === end) return stopAt(out, i);
    const b = buf[i]!;
    if (b !== COLON) {
      if (b === SP || b === HTAB) {
        throw new HttpParseError(
          status,
          "WHITESPACE_BEFORE_COLON",
          "Whitespace between a header name and its colon",
        );
      }
      if (b === LF) throw bareLf(status);
      if (b === CR) {
        if (i + 1 === end) return stopAt(out, i);
        if (buf[i + 1] !== LF) throw bareCr(status);
        throw new HttpParseError(status, "INVALID_HEADER_NAME", "A header line without a colon");
      }
      throw new HttpParseError(status, "INVALID_HEADER_NAME", "A header name with a byte outside tchar");
    }
    if (i === start) throw new HttpParseError(status, "INVALID_HEADER_NAME", "An empty header name");
    out.nameEnd = i;
    i++;
  }
  // FIELD_VALUE holds SP and HTAB, so the value's leading and trailing whitespace is checked here too.
  while (i < end && FIELD_VALUE[buf[i]!] === 1) i++;
  if (i === end) return stopAt(out, i);
  const b = buf[i]!;
  if (b === CR) {
    if (i + 1 === end) return stopAt(out, i);
    if (buf[i + 1] !== LF) throw bareCr(status);
  } else if (b === LF) {
    throw bareLf(status);
  } else {
    throw new HttpParseError(
      status,
      "INVALID_HEADER_VALUE",
      `A control byte in the value of header "${latin1(buf, start, out.nameEnd)}"`,
    );
  }
  let valueStart = out.nameEnd + 1;
  while (valueStart < i && (buf[valueStart] === SP || buf[valueStart] === HTAB)) valueStart++;
  let valueEnd = i;
  while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
  out.valueStart = valueStart;
  out.valueEnd = valueEnd;
  return i;
}

function stopAt(out: FieldLineBounds, checked: number): number {
  out.checked = checked;
  return -1;
}

/**
 * Where each header line's parts lie, four indexes per line (name start, name end, value start, value end), for
 * building the head once the whole of it has been checked. One per parser, reused by every call (parsing is
 * synchronous), grown on demand.
 */
export class FieldIndexes {
  at = new Int32Array(4 * 128);

  /** Records line `h`, whose name starts at `nameStart`, as `line` found it. */
  record(h: number, nameStart: number, line: FieldLineBounds): void {
    const k = 4 * h;
    if (k + 4 > this.at.length) {
      const grown = new Int32Array(this.at.length * 2);
      grown.set(this.at);
      this.at = grown;
    }
    const at = this.at;
    at[k] = nameStart;
    at[k + 1] = line.nameEnd;
    at[k + 2] = line.valueStart;
    at[k + 3] = line.valueEnd;
  }
}

/** Whether buf[start, start + lower.length) spells `lower` in any case; `lower` is lower-case letters and "-". */
export function fieldNameIs(buf: Buffer, start: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    // Names are tchar only, where `| 0x20` folds exactly the letters A-Z and leaves "-" as it is.
    if ((buf[start + k]! | 0x20) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether buf[start, end) holds an HTAB: framing values are refused with one, because llhttp reads
 * "chunked<HTAB>" and "5<HTAB>" differently from us and two readers must never frame one message two ways. */
export function containsTab(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === HTAB) return true;
  return false;
}

export function bareCr(status: number): HttpParseError {
  return new HttpParseError(status, "BARE_CR", "A CR not followed by LF");
}

export function bareLf(status: number): HttpParseError {
  return new HttpParseError(status, "BARE_LF", "An LF not preceded by CR");
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** buf[start, end) decoded as latin1 in one native call (Buffer#latin1Slice, which toString("latin1") wraps). */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as Latin1Buffer).latin1Slice(start, end);
}
