// Cookie session affinity: the cookie holds the endpoint's opaque id (a hash of its address), so a client sticks
// to one endpoint while it is ready, and moves (with a new cookie) when it goes away.

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      return header.slice(eq + 1, end).trim();
    }
    start = end + 1;
  }
  return null;
}

export function affinitySetCookie(name: string, id: string, secure: boolean): string {
  return `${name}=${id}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
