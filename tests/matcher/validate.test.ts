import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateIngress } from "../../sdk/matcher";

const base = () => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "shop", namespace: "web" },
  spec: {
    rules: [
      {
        host: "shop.example.com",
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: { service: { name: "shop", port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});
type Mutable = ReturnType<typeof base> & Record<string, unknown>;
const path0 = (o: Mutable) => o.spec.rules[0]!.http.paths[0]! as Record<string, unknown>;

describe("validateIngress", () => {
  it("finds no problem in a valid Ingress", () => assert.deepEqual(validateIngress(base()), []));

  const cases: [string, (o: Mutable) => void, string, string, RegExp][] = [
    [
      "an upper-case host",
      (o) => (o.spec.rules[0]!.host = "UPPER.example.com"),
      "ERR_INVALID_HOST",
      "spec.rules[0].host",
      /upper-case/,
    ],
    [
      "a wildcard in the wrong place",
      (o) => (o.spec.rules[0]!.host = "shop.*.com"),
      "ERR_INVALID_HOST",
      "spec.rules[0].host",
      /leftmost label/,
    ],
    [
      "an IP address host",
      (o) => (o.spec.rules[0]!.host = "192.168.1.1"),
      "ERR_INVALID_HOST",
      "spec.rules[0].host",
      /IP address/,
    ],
    [
      "a path without a leading slash",
      (o) => (path0(o).path = "api"),
      "ERR_INVALID_PATH",
      "spec.rules[0].http.paths[0].path",
      /Write it as "\/api"/,
    ],
    [
      "a regex in a Prefix path",
      (o) => (path0(o).path = "/api/(.*)"),
      "ERR_INVALID_PATH",
      "spec.rules[0].http.paths[0].path",
      /regular-expression/,
    ],
    [
      "a NUL byte in a path",
      (o) => (path0(o).path = "/a\u0000b"),
      "ERR_INVALID_PATH",
      "spec.rules[0].http.paths[0].path",
      /control character/,
    ],
    [
      "a missing pathType",
      (o) => delete path0(o).pathType,
      "ERR_INVALID_PATH_TYPE",
      "spec.rules[0].http.paths[0].pathType",
      /is missing/,
    ],
    [
      "an unknown pathType",
      (o) => (path0(o).pathType = "Regex"),
      "ERR_INVALID_PATH_TYPE",
      "spec.rules[0].http.paths[0].pathType",
      /"Regex"/,
    ],
    [
      "port 0",
      (o) => (path0(o).backend = { service: { name: "s", port: { number: 0 } } }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend.service.port.number",
      /1 to 65535/,
    ],
    [
      "port 70000",
      (o) => (path0(o).backend = { service: { name: "s", port: { number: 70000 } } }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend.service.port.number",
      /is 70000/,
    ],
    [
      "both a port number and name",
      (o) => (path0(o).backend = { service: { name: "s", port: { number: 80, name: "http" } } }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend.service.port",
      /both/,
    ],
    [
      "a bad port name",
      (o) => (path0(o).backend = { service: { name: "s", port: { name: "HTTP_PORT" } } }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend.service.port.name",
      /not a valid port name/,
    ],
    [
      "both service and resource",
      (o) =>
        (path0(o).backend = {
          service: { name: "s", port: { number: 80 } },
          resource: { kind: "Bucket", name: "b" },
        }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend",
      /both service and resource/,
    ],
    [
      "a missing service name",
      (o) => (path0(o).backend = { service: { port: { number: 80 } } }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend.service.name",
      /is missing/,
    ],
    [
      "an invalid service name",
      (o) => (path0(o).backend = { service: { name: "My_Service", port: { number: 80 } } }),
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend.service.name",
      /not a valid Service name/,
    ],
    [
      "a missing backend",
      (o) => delete path0(o).backend,
      "ERR_INVALID_BACKEND",
      "spec.rules[0].http.paths[0].backend",
      /is missing/,
    ],
    [
      "a bad TLS host",
      (o) => ((o.spec as Record<string, unknown>).tls = [{ hosts: ["*.*.x.com"], secretName: "t" }]),
      "ERR_INVALID_TLS",
      "spec.tls[0].hosts[0]",
      /leftmost label/,
    ],
    [
      "a bad TLS secret name",
      (o) =>
        ((o.spec as Record<string, unknown>).tls = [{ hosts: ["shop.example.com"], secretName: "Bad Name" }]),
      "ERR_INVALID_TLS",
      "spec.tls[0].secretName",
      /not a valid Secret name/,
    ],
    [
      "no rules and no default backend",
      (o) => (o.spec.rules = []),
      "ERR_NO_RULES",
      "spec",
      /neither rules nor a defaultBackend/,
    ],
    [
      "a missing name",
      (o) => ((o.metadata as Record<string, unknown>).name = undefined),
      "ERR_INVALID_OBJECT",
      "metadata.name",
      /is missing/,
    ],
    [
      "a missing spec",
      (o) => delete (o as Record<string, unknown>).spec,
      "ERR_INVALID_OBJECT",
      "spec",
      /is missing/,
    ],
    [
      "rules that are not a list",
      (o) => ((o.spec as Record<string, unknown>).rules = "oops"),
      "ERR_INVALID_OBJECT",
      "spec.rules",
      /not a list/,
    ],
  ];
  for (const [name, mutate, code, field, message] of cases) {
    it(`reports ${name} as ${code} at ${field}`, () => {
      const object = base() as Mutable;
      mutate(object);
      const problems = validateIngress(object);
      const problem = problems.find((p) => p.code === code && p.field === field);
      assert.ok(
        problem,
        `expected ${code} at ${field}, got ${JSON.stringify(problems.map((p) => [p.code, p.field]))}`,
      );
      assert.equal(problem.severity, "error");
      assert.deepEqual(problem.object, {
        namespace: "web",
        name: name === "a missing name" ? "<unnamed>" : "shop",
      });
      assert.match(problem.message, message);
      assert.match(problem.message, /^Ingress web\//);
    });
  }

  const warnings: [string, (o: Mutable) => void, string][] = [
    [
      "a regex in an ImplementationSpecific path",
      (o) => Object.assign(path0(o), { path: "/api/.*", pathType: "ImplementationSpecific" }),
      "WARN_REGEX_AS_PREFIX",
    ],
    [
      "a class field and annotation that disagree",
      (o) =>
        Object.assign(o.metadata, { annotations: { "kubernetes.io/ingress.class": "a" } }) &&
        Object.assign(o.spec, { ingressClassName: "b" }),
      "WARN_CLASS_MISMATCH",
    ],
    [
      "a TLS host without a rule",
      (o) => Object.assign(o.spec, { tls: [{ hosts: ["other.example.com"], secretName: "t" }] }),
      "WARN_TLS_HOST_WITHOUT_RULE",
    ],
    [
      "a host rule without paths",
      (o) => o.spec.rules.push({ host: "empty.example.com" } as never),
      "WARN_EMPTY_RULE",
    ],
  ];
  for (const [name, mutate, code] of warnings) {
    it(`warns about ${name} (${code})`, () => {
      const object = base() as Mutable;
      mutate(object);
      const problems = validateIngress(object);
      assert.deepEqual(
        problems.map((p) => [p.code, p.severity]),
        [[code, "warning"]],
      );
    });
  }

  it("does not warn about a wildcard TLS host that covers a rule host", () => {
    const object = base() as Mutable;
    Object.assign(object.spec, { tls: [{ hosts: ["*.example.com"], secretName: "wild" }] });
    assert.deepEqual(validateIngress(object), []);
  });

  it("never throws on junk", () => {
    for (const junk of [
      undefined,
      null,
      0,
      "",
      [],
      { spec: 1 },
      { spec: { rules: [null, 1, { http: { paths: [null] } }] } },
      { metadata: [], spec: { tls: "x" } },
    ]) {
      assert.doesNotThrow(() => validateIngress(junk));
      assert.ok(validateIngress(junk).length > 0, `junk ${JSON.stringify(junk)} yields problems`);
    }
  });
});
