// The --trusted-proxies list: CIDRs (or single addresses) whose X-Forwarded-* and X-Request-Id headers are
// believed. Everyone else's are overwritten.
import { BlockList, isIPv4, isIPv6 } from "node:net";

export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;

  /** Throws a RangeError naming the first invalid entry. */
  constructor(cidrs: readonly string[]) {
    let size = 0;
    for (const raw of cidrs) {
      const entry = raw.trim();
      if (entry === "") continue;
      const [address = "", prefixText] = entry.split("/");
      const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : null;
      const max = family === "ipv4" ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (
        !family ||
        !/^\d{0,3}$/.test(prefixText ?? "") ||
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > max
      ) {
        throw new RangeError(
          `invalid trusted proxy "${entry}": use a CIDR such as 10.0.0.0/8 or an IP address`,
        );
      }
      this.list.addSubnet(address, prefix, family);
      size++;
    }
    this.size = size;
  }

  /** Whether a peer address (as `socket.remoteAddress` gives it, IPv4-mapped IPv6 included) is trusted. */
  trusts(address: string | undefined): boolean {
    if (this.size === 0 || !address) return false;
    if (address.startsWith("::ffff:") && isIPv4(address.slice(7))) {
      return this.list.check(address.slice(7), "ipv4");
    }
    return isIPv4(address) ? this.list.check(address, "ipv4") : this.list.check(address, "ipv6");
  }
}
