// What table-driven routing tests compare: the backend serving a request, written as `service:port`,
// `resource Kind/name`, or null when nothing serves it.
import assert from "node:assert/strict";
import { it } from "node:test";
import { compileRoutes, type CompileOptions, type RouteTable } from "../../sdk/matcher";
import { loadFixture } from "./fixtures";

export function servedBy(table: RouteTable, host: string, path: string): string | null {
  const route = table.match(host, path);
  if (route === null) return null;
  const { service, resource } = route.backend;
  if (resource !== undefined) return `resource ${resource.kind}/${resource.name}`;
  return `${service?.name}:${service?.port?.number ?? service?.port?.name}`;
}

/** One routing case of a table-driven test: a request and the backend that must serve it. */
export interface RoutingCase {
  readonly name: string;
  /** Class selection for the table; default: every Ingress. */
  readonly options?: CompileOptions;
  /** A Host header: any case, optional port, optional trailing dot. */
  readonly host: string;
  readonly path: string;
  /** `service:port` (or `resource Kind/name`) of the backend that serves the request, or null when nothing does. */
  readonly servedBy: string | null;
  /** Where the case comes from: a conformance scenario, the Kubernetes docs, or one of our decisions. */
  readonly source: string;
}

/**
 * Registers one test that the fixture compiles with nothing skipped (so "null" answers cannot come from a
 * rejected Ingress), then one test per case.
 */
export function runRoutingCases(fixture: string, cases: readonly RoutingCase[]): void {
  const ingresses = loadFixture(fixture);
  it(`compiles every Ingress of ${fixture}.yaml`, () => {
    const table = compileRoutes(ingresses);
    assert.deepEqual(table.skipped, []);
    assert.equal(table.ingresses.length, ingresses.length);
  });
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(
        servedBy(compileRoutes(ingresses, c.options), c.host, c.path),
        c.servedBy,
        `source: ${c.source}`,
      );
    });
  }
}
