// 256-entry byte tables for the HTTP/1.1 parsers: one indexed load per byte instead of a chain of comparisons.

function table(accepts: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = accepts(b) ? 1 : 0;
  return t;
}

const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isVchar = (b: number): boolean => b >= 0x21 && b <= 0x7e;

/** RFC 9110 5.6.2 tchar: header names, methods, chunk extension names and token values. */
export const TOKEN = table(
  (b) => isAlpha(b) || isDigit(b) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)),
);

/** RFC 9110 5.5 field-value bytes: HTAB, SP, VCHAR and obs-text (0x80-0xFF); never NUL, CR, LF or DEL. */
export const FIELD_VALUE = table((b) => b === 0x09 || b === 0x20 || isVchar(b) || b >= 0x80);

/**
 * Request-target bytes: VCHAR (0x21-0x7E) only, so no space, control or non-ASCII byte, and no "#" either: a
 * fragment is never part of a request-target (RFC 9112 3.2) and one would make routing and upstream disagree.
 */
export const REQUEST_TARGET = table((b) => isVchar(b) && b !== 0x23);

/**
 * Bytes of a Host value or an absolute-form authority (RFC 3986 reg-name, IP-literal and port): unreserved,
 * sub-delims, "%", ":", "[" and "]". No "@": userinfo in an http(s) authority is refused (RFC 9110 4.2.4).
 */
export const AUTHORITY = table(
  (b) => isAlpha(b) || isDigit(b) || "-._~!$&'()*+,;=%:[]".includes(String.fromCharCode(b)),
);

/** RFC 9110 5.6.4 qdtext, the plain bytes of a quoted-string (chunk extension values). */
export const QDTEXT = table(
  (b) =>
    b === 0x09 ||
    b === 0x20 ||
    b === 0x21 ||
    (b >= 0x23 && b <= 0x5b) ||
    (b >= 0x5d && b <= 0x7e) ||
    b >= 0x80,
);

/** Hex digit values: HEX_VALUE[b] is 0-15 for 0-9, a-f and A-F, and NOT_HEX for every other byte. */
export const NOT_HEX = 0xff;
export const HEX_VALUE = (() => {
  const t = new Uint8Array(256).fill(NOT_HEX);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d;
    t[0x61 + d] = 10 + d;
  }
  return t;
})();

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const COLON = 0x3a;
