// A pino logger whose JSON lines the test can read back.
import pino, { type Logger } from "pino";

export interface LogLine {
  level: number;
  code?: string;
  msg?: string;
  [field: string]: unknown;
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** The raw JSON text of every line, to assert that nothing secret was written. */
  readonly raw: string[];
  withCode(code: string): LogLine[];
}

export function captureLogs(): CapturedLogger {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: "debug" },
    {
      write(text: string) {
        raw.push(text);
        lines.push(JSON.parse(text) as LogLine);
      },
    },
  );
  return { logger, lines, raw, withCode: (code) => lines.filter((line) => line.code === code) };
}
