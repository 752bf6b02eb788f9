// Structured JSON logs (pino) for the controller. One logger per process; modules take it as a parameter
// so tests can pass a silent one or capture lines.
import pino, { type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  /** pino level; default "info" (or LOG_LEVEL). */
  level?: string;
  /** Where lines go; default stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env["LOG_LEVEL"] ?? "info";
  const base = { name: "ingress-kit-controller", pid: process.pid };
  return options.destination
    ? pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, options.destination)
    : pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything (tests, benchmarks). */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
