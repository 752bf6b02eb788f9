// An error as structured log fields: its message, code and HTTP status, never a request or response body.
import { KubeApiError } from "./kube-http";

export interface ErrorFields {
  message: string;
  code?: string;
  statusCode?: number;
}

export function errorFields(error: unknown): ErrorFields {
  if (error instanceof KubeApiError) {
    return { message: error.message, code: error.reason, statusCode: error.statusCode };
  }
  if (error instanceof Error) {
    // client-node's ApiException carries the HTTP status as a numeric `code`.
    const code = (error as Error & { code?: unknown }).code;
    if (typeof code === "number") return { message: apiExceptionMessage(code, error), statusCode: code };
    return typeof code === "string"
      ? { message: firstLine(error.message), code }
      : { message: firstLine(error.message) };
  }
  return { message: String(error) };
}

/** The API's Status message of a client-node ApiException, whose body may be a JSON string or an object. */
function apiExceptionMessage(code: number, error: Error): string {
  let body = (error as Error & { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const status = body as { message?: unknown } | undefined;
  return typeof status?.message === "string"
    ? `the API server answered ${code}: ${status.message}`
    : `the API server answered ${code}`;
}

/** client-node's ApiException appends the response body and headers to its message: keep the first line. */
function firstLine(message: string): string {
  const newline = message.indexOf("\n");
  return newline < 0 ? message : message.slice(0, newline);
}
