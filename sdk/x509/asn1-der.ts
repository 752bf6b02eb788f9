// A minimal ASN.1 DER encoder: just the types an X.509 v3 certificate needs. Node 20 can parse certificates
// (crypto.X509Certificate) but not build them, and the controller image may not ship openssl.

/** Encodes a DER length: short form below 128, long form (0x80 | byte count, big-endian) above. */
export function derLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`invalid DER length ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag, length, value. */
export function derTlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

export function derSequence(...items: Buffer[]): Buffer {
  return derTlv(0x30, Buffer.concat(items));
}

export function derSet(...items: Buffer[]): Buffer {
  return derTlv(0x31, Buffer.concat(items));
}

/** A non-negative INTEGER from big-endian bytes (a leading 0x00 is added when the high bit is set). */
export function derUnsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let value = bytes.subarray(start);
  if (value.length === 0) value = Buffer.from([0]);
  if ((value[0]! & 0x80) !== 0) value = Buffer.concat([Buffer.from([0]), value]);
  return derTlv(0x02, value);
}

export function derSmallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`unsupported INTEGER ${value}`);
  }
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return derUnsignedInteger(bytes);
}

export function derBoolean(value: boolean): Buffer {
  return derTlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

export function derNull(): Buffer {
  return Buffer.from([0x05, 0x00]);
}

/** An OBJECT IDENTIFIER from dotted notation, e.g. "2.5.4.3". */
export function derObjectIdentifier(oid: string): Buffer {
  const arcs = oid.split(".").map((arc) => {
    if (!/^\d+$/.test(arc)) throw new RangeError(`invalid OID "${oid}"`);
    return Number(arc);
  });
  if (arcs.length < 2 || arcs[0]! > 2) throw new RangeError(`invalid OID "${oid}"`);
  const bytes: number[] = [];
  const encodeArc = (arc: number): void => {
    const groups: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      groups.unshift((rest & 0x7f) | 0x80);
    }
    bytes.push(...groups);
  };
  encodeArc(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) encodeArc(arc);
  return derTlv(0x06, Buffer.from(bytes));
}

export function derUtf8String(value: string): Buffer {
  return derTlv(0x0c, Buffer.from(value, "utf8"));
}

export function derOctetString(value: Buffer): Buffer {
  return derTlv(0x04, value);
}

/** A BIT STRING with no unused bits. */
export function derBitString(value: Buffer): Buffer {
  return derTlv(0x03, Buffer.concat([Buffer.from([0]), value]));
}

/** UTCTime for years 1950-2049, GeneralizedTime otherwise (RFC 5280 section 4.1.2.5). */
export function derTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.678Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, ""); // 20260102030405
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return derTlv(0x17, Buffer.from(`${digits.slice(2)}Z`, "ascii"));
  return derTlv(0x18, Buffer.from(`${digits}Z`, "ascii"));
}

/** A constructed context-specific tag, [n] EXPLICIT. */
export function derExplicit(tagNumber: number, value: Buffer): Buffer {
  return derTlv(0xa0 | tagNumber, value);
}

/** A primitive context-specific tag, [n] IMPLICIT (used for GeneralName's dNSName and iPAddress). */
export function derImplicitPrimitive(tagNumber: number, value: Buffer): Buffer {
  return derTlv(0x80 | tagNumber, value);
}
