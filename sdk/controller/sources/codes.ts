// Stable `code` fields of the sources' log lines. Operators and tests match on these, never on messages.
// ERR_ and WARN_ mark problems (logged at error and warn level); the others mark normal progress.
export const SourceCodes = {
  /** The first complete list of every kind is known; `start()` resolves. */
  SYNCED: "SOURCE_SYNCED",
  /** A re-list after `410 Gone` replaced a kind's objects atomically. */
  RELISTED: "SOURCE_RELISTED",
  /** Listing a kind failed; the previous objects keep serving and the list is retried with backoff. */
  LIST_FAILED: "ERR_SOURCE_LIST_FAILED",
  /** A watch ended with an error or dropped; it resumes from the last resourceVersion with backoff. */
  WATCH_DISCONNECTED: "WARN_SOURCE_WATCH_DISCONNECTED",
  /** The watch's resourceVersion is too old (`410 Gone`): the kind is re-listed. */
  WATCH_EXPIRED: "WARN_SOURCE_WATCH_EXPIRED",
  /** A watch line that is not a JSON watch event; skipped. Never logs the line (it may hold secret data). */
  MALFORMED_EVENT: "WARN_SOURCE_MALFORMED_EVENT",
  /** An object without the metadata it needs (name, namespace); skipped. */
  MALFORMED_OBJECT: "WARN_SOURCE_MALFORMED_OBJECT",
  /** `status.loadBalancer` of an Ingress was written. */
  STATUS_WRITTEN: "SOURCE_STATUS_WRITTEN",
  /** Writing `status.loadBalancer` failed; the next `publishAddress` retries. */
  STATUS_WRITE_FAILED: "ERR_SOURCE_STATUS_WRITE_FAILED",
  /** An Ingress the latest snapshot cannot serve (once per object, generation and reason). */
  INGRESS_UNSERVABLE: "WARN_INGRESS_UNSERVABLE",
  /** Creating the Kubernetes Event for an unservable Ingress failed (the log line was still written). */
  EVENT_WRITE_FAILED: "ERR_SOURCE_EVENT_WRITE_FAILED",
  /** A manifest file was (re)read; its objects are counted. */
  MANIFEST_LOADED: "SOURCE_MANIFEST_LOADED",
  /** A manifest file does not parse; the previous good objects of that file keep serving. */
  MANIFEST_PARSE_FAILED: "ERR_SOURCE_MANIFEST_PARSE_FAILED",
  /** A manifest file or folder cannot be read. */
  MANIFEST_READ_FAILED: "ERR_SOURCE_MANIFEST_READ_FAILED",
  /** The same object appears twice in the manifests; the first (by file path, then position) wins. */
  MANIFEST_DUPLICATE: "WARN_SOURCE_MANIFEST_DUPLICATE",
  /** A manifest object of a kind the controller does not read (debug level). */
  KIND_IGNORED: "SOURCE_KIND_IGNORED",
  /** A Secret that is not of type `kubernetes.io/tls` (debug level); its data is never kept. */
  SECRET_IGNORED: "SOURCE_SECRET_IGNORED",
} as const;

export type SourceCode = (typeof SourceCodes)[keyof typeof SourceCodes];
