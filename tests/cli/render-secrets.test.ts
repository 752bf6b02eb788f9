// `ingress-kit render` never prints a Secret's data: a program whose Secret values are literals (known offline,
// unlike @pulumi/tls outputs) still renders the Secret and its keys with "(secret)" values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { fixture, runCliSource } from "../helpers/run-cli";

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIliteral\n-----END PRIVATE KEY-----\n";
const CERT_TEXT = "literal-certificate-text-in-clear";
const CERT_BASE64 = Buffer.from(CERT_TEXT).toString("base64");

interface SecretDoc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  type?: string;
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

describe("ingress-kit render: Secrets with literal values", () => {
  const result = runCliSource(["render", fixture("render-programs/literal-secret")]);

  it("renders the program, exit 0", () => {
    assert.equal(result.code, 0, result.stderr);
  });

  it("prints no literal value of the Secret on stdout or stderr", () => {
    for (const [stream, text] of [
      ["stdout", result.stdout],
      ["stderr", result.stderr],
    ] as const) {
      for (const literal of [PEM, "MIIliteral", "BEGIN PRIVATE KEY", CERT_BASE64, CERT_TEXT]) {
        assert.ok(!text.includes(literal), `${stream} shows ${JSON.stringify(literal)}:\n${text}`);
      }
    }
  });

  it("prints the Secret and its keys, each value shown as (secret)", () => {
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as SecretDoc);
    const secret = docs.find((d) => d.kind === "Secret" && d.metadata?.name === "shop-tls");
    assert.ok(secret, `no Secret "shop-tls" in:\n${result.stdout}`);
    assert.equal(secret.type, "kubernetes.io/tls");
    assert.deepEqual(secret.stringData, { "tls.key": "(secret)" });
    assert.deepEqual(secret.data, { "tls.crt": "(secret)" });
  });

  it("still renders the route's Ingress naming the Secret", () => {
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, unknown>);
    const ingress = docs.find((d) => d.kind === "Ingress") as
      { spec?: { tls?: { secretName?: string }[] } } | undefined;
    assert.equal(ingress?.spec?.tls?.[0]?.secretName, "shop-tls");
  });
});
