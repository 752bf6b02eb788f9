// Output that respects a terminal: colour only on a TTY (and never with NO_COLOR), plain text otherwise.
import type { Writable } from "node:stream";

export interface Output {
  readonly out: Writable & { isTTY?: boolean };
  readonly err: Writable & { isTTY?: boolean };
}

export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain: Palette = { red: (t) => t, yellow: (t) => t, green: (t) => t, bold: (t) => t, dim: (t) => t };
const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const coloured: Palette = {
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  green: ansi(32, 39),
  bold: ansi(1, 22),
  dim: ansi(2, 22),
};

export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return plain;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return coloured;
  return stream.isTTY ? coloured : plain;
}

export function writeLine(stream: Writable, line = ""): void {
  stream.write(line + "\n");
}
