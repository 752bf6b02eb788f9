// The Connection header's tokens (RFC 9110 7.6.1): whether the connection persists or upgrades, and which
// fields are hop-by-hop and must not be forwarded.
import * as chars from "./char-classes";
// Module-level copies of imported bindings: tsx (esbuild) compiles each imported name to a getter call, which
// costs more than the work of a whole byte in the loops below.
const { HTAB, SP } = chars;

export const CLOSE = 1;
export const KEEP_ALIVE = 2;
export const UPGRADE = 4;

/**
 * Pushes the lower-case tokens of one Connection value to `into`; returns its CLOSE | KEEP_ALIVE | UPGRADE flags.
 * `tabAfter`: the value (already trimmed) was followed by an HTAB on the wire.
 */
export function readConnectionTokens(value: string, into: string[], tabAfter = false): number {
  let flags = 0;
  let i = 0;
  const n = value.length;
  while (i <= n) {
    let comma = value.indexOf(",", i);
    if (comma === -1) comma = n;
    let s = i;
    let e = comma;
    while (s < e && isOws(value.charCodeAt(s))) s++;
    while (e > s && isOws(value.charCodeAt(e - 1))) e--;
    if (e > s) {
      // The common browser value needs no lower-casing copy.
      const token =
        e - s === 10 && value.startsWith("keep-alive", s) ? "keep-alive" : value.slice(s, e).toLowerCase();
      into.push(token);
      if (token === "close") flags |= CLOSE;
      // llhttp (before 9.4.2) does not see "keep-alive" or "upgrade" followed by an HTAB; nor do we, so that we
      // never keep reading a connection, or switch protocols, where node:http would not.
      else if (token === "keep-alive" && !tabFollows(value, e, comma, tabAfter)) flags |= KEEP_ALIVE;
      else if (token === "upgrade" && !tabFollows(value, e, comma, tabAfter)) flags |= UPGRADE;
    }
    i = comma + 1;
  }
  return flags;
}

/** Whether an HTAB sits between a token's end and the next comma (or the end of the value and beyond). */
function tabFollows(value: string, tokenEnd: number, comma: number, tabAfter: boolean): boolean {
  for (let i = tokenEnd; i < comma; i++) if (value.charCodeAt(i) === HTAB) return true;
  return comma === value.length && tabAfter;
}

/** Whether the whitespace after a trimmed field value, up to its CR, holds an HTAB. */
export function tabAfterValue(buf: Buffer, valueEnd: number): boolean {
  for (let i = valueEnd; buf[i] === SP || buf[i] === HTAB; i++) if (buf[i] === HTAB) return true;
  return false;
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}
