// The typed HostRoute options every controller kind maps to its own annotation dialect, and their validation.
// Options are plain values (not Inputs) so that "controller X cannot express option Y" fails at preview.
import type { ArgProblem } from "./component-error";
import { ComponentCodes } from "./component-error";

/** Protocol the controller speaks to the backend Service. */
export type BackendProtocol = "HTTP" | "HTTPS" | "GRPC";
export const BACKEND_PROTOCOLS: readonly BackendProtocol[] = ["HTTP", "HTTPS", "GRPC"];

/** Upstream timeouts in seconds (whole or decimal, > 0). */
export interface RouteTimeouts {
  /** Seconds to establish the connection to the backend. */
  connect?: number;
  /** Seconds to wait for the backend's response (between two reads). */
  read?: number;
  /** Seconds allowed between two writes of the request to the backend. */
  send?: number;
}

/** The typed options of a HostRoute, translated by the gateway's controller kind. */
export interface RouteOptions {
  sslRedirect?: boolean;
  rewriteTarget?: string;
  backendProtocol?: BackendProtocol;
  timeouts?: RouteTimeouts;
  maxBodySize?: string;
  sessionAffinity?: "cookie" | "none";
  sessionCookieName?: string;
}

/** The option names, as they appear in messages (`timeouts.connect`, not `timeouts`). */
export type RouteOptionName =
  | "sslRedirect"
  | "rewriteTarget"
  | "backendProtocol"
  | "timeouts.connect"
  | "timeouts.read"
  | "timeouts.send"
  | "maxBodySize"
  | "sessionAffinity";

/** Sizes such as "512", "64k", "10m", "1g" (binary units), the form every supported controller accepts. */
const SIZE = /^(\d{1,12})([kmg]?)$/i;
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** Bytes of a size written as "10m"; undefined when invalid. */
export function sizeInBytes(value: string): number | undefined {
  const match = SIZE.exec(value);
  if (!match) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    match[2]!.toLowerCase() as "" | "k" | "m" | "g"
  ];
  return Number(match[1]) * unit;
}

/** Problems of the option values themselves, whatever the controller. */
export function validateRouteOptions(options: RouteOptions): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const bad = (field: string, message: string): void => {
    problems.push({ code: ComponentCodes.INVALID_ARGUMENT, field, message });
  };
  if (options.sslRedirect !== undefined && typeof options.sslRedirect !== "boolean") {
    bad(
      "sslRedirect",
      `sslRedirect ${JSON.stringify(options.sslRedirect)} is not a boolean. Use true or false.`,
    );
  }
  if (options.rewriteTarget !== undefined) {
    const target = options.rewriteTarget;
    if (typeof target !== "string" || !target.startsWith("/") || /[\s$\\]/.test(target)) {
      bad(
        "rewriteTarget",
        `rewriteTarget ${JSON.stringify(target)} is not a plain absolute path. Use a path that starts with "/" ` +
          `and has no spaces, "$" or "\\", e.g. "/" to strip the matched prefix.`,
      );
    }
  }
  if (options.backendProtocol !== undefined && !BACKEND_PROTOCOLS.includes(options.backendProtocol)) {
    bad(
      "backendProtocol",
      `backendProtocol ${JSON.stringify(options.backendProtocol)} is not supported. Use one of "HTTP", "HTTPS", "GRPC".`,
    );
  }
  for (const key of ["connect", "read", "send"] as const) {
    const value = options.timeouts?.[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 86_400) {
      bad(
        `timeouts.${key}`,
        `timeouts.${key} ${JSON.stringify(value)} is not a number of seconds. Use a number above 0 and at most 86400.`,
      );
    }
  }
  if (
    options.maxBodySize !== undefined &&
    (typeof options.maxBodySize !== "string" || !SIZE.test(options.maxBodySize))
  ) {
    bad(
      "maxBodySize",
      `maxBodySize ${JSON.stringify(options.maxBodySize)} is not a size. Use bytes with an optional k, m or g suffix, ` +
        `e.g. "10m" ("0" for no limit).`,
    );
  }
  if (
    options.sessionAffinity !== undefined &&
    options.sessionAffinity !== "cookie" &&
    options.sessionAffinity !== "none"
  ) {
    bad(
      "sessionAffinity",
      `sessionAffinity ${JSON.stringify(options.sessionAffinity)} is not supported. Use "cookie" or "none".`,
    );
  }
  if (options.sessionCookieName !== undefined) {
    if (typeof options.sessionCookieName !== "string" || !COOKIE_NAME.test(options.sessionCookieName)) {
      bad(
        "sessionCookieName",
        `sessionCookieName ${JSON.stringify(options.sessionCookieName)} is not a cookie name. Use 1 to 64 letters, ` +
          `digits or "-_.".`,
      );
    } else if (options.sessionAffinity !== "cookie") {
      bad(
        "sessionCookieName",
        `sessionCookieName is set but sessionAffinity is not "cookie". Set sessionAffinity: "cookie".`,
      );
    }
  }
  return problems;
}

/** The options that are set (and not a no-op), by message name: what a dialect must be able to express. */
export function setOptions(options: RouteOptions): RouteOptionName[] {
  const set: RouteOptionName[] = [];
  if (options.sslRedirect !== undefined) set.push("sslRedirect");
  if (options.rewriteTarget !== undefined) set.push("rewriteTarget");
  if (options.backendProtocol !== undefined && options.backendProtocol !== "HTTP") {
    set.push("backendProtocol");
  }
  if (options.timeouts?.connect !== undefined) set.push("timeouts.connect");
  if (options.timeouts?.read !== undefined) set.push("timeouts.read");
  if (options.timeouts?.send !== undefined) set.push("timeouts.send");
  if (options.maxBodySize !== undefined) set.push("maxBodySize");
  if (options.sessionAffinity === "cookie") set.push("sessionAffinity");
  return set;
}

/** Seconds as the shortest decimal string ("5", "0.5"). */
export function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

/** Seconds as a duration with unit for controllers that want one ("5s", "500ms"). */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
