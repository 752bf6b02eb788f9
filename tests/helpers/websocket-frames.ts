// Just enough of RFC 6455 for tests: the handshake accept key and single small text frames.
import { createHash, randomBytes } from "node:crypto";

export function acceptKey(key: string): string {
  return createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
}

/** A single text frame (payload < 126 bytes), masked as clients must send it. */
export function encodeTextFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new RangeError("test frames are small");
  if (!masked) return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, body]);
}

/** Decodes one complete small frame from the start of `data`, or null if incomplete. */
export function decodeFrame(data: Buffer): { text: string; length: number } | null {
  if (data.length < 2) return null;
  const masked = (data[1]! & 0x80) !== 0;
  const length = data[1]! & 0x7f;
  const headerLength = 2 + (masked ? 4 : 0);
  if (data.length < headerLength + length) return null;
  const payload = Buffer.from(data.subarray(headerLength, headerLength + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= data[2 + (i % 4)]!;
  return { text: payload.toString(), length: headerLength + length };
}
