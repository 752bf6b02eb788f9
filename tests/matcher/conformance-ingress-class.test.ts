// Ingress class, after features/ingress_class.feature of kubernetes-sigs/ingress-controller-conformance and
// https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class, plus our decisions (DESIGN.md):
// an Ingress belongs to a class through `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class`
// annotation, else (with neither) the default class; with no `ingressClass` option every Ingress counts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileRoutes, type CompileOptions } from "../../sdk/matcher";
import { loadFixture } from "../helpers/fixtures";
import { servedBy } from "../helpers/route-assertions";

interface Case {
  readonly name: string;
  readonly options: CompileOptions;
  readonly host: string;
  /** `service:port` of the backend that serves the request, or null when nothing does. */
  readonly servedBy: string | null;
  /** Where the case comes from: a conformance scenario, the Kubernetes docs, or one of our decisions. */
  readonly source: string;
}

const fixture = "conformance-ingress-class";
const feature = "ingress_class.feature";
const docs = "docs: https://kubernetes.io/docs/concepts/services-networking/ingress/";
const ours: CompileOptions = { ingressClass: "ours" };
const oursByDefault: CompileOptions = { ingressClass: "ours", isDefaultClass: true };

const cases: readonly Case[] = [
  {
    name: "an Ingress of a class nobody serves is not served by ours",
    options: ours,
    host: "ingress-class",
    servedBy: null,
    source: `${feature}: An Ingress with an invalid ingress class should not send traffic to the matching backend service`,
  },
  {
    name: "an Ingress of a class nobody serves is not served by the default class either",
    options: oursByDefault,
    host: "ingress-class",
    servedBy: null,
    source: `${feature}: An Ingress with an invalid ingress class should not send traffic to the matching backend service`,
  },
  {
    name: "spec.ingressClassName places an Ingress in our class",
    options: ours,
    host: "field-ours.example.com",
    servedBy: "field-ours:80",
    source: `${docs}#ingress-class`,
  },
  {
    name: "spec.ingressClassName of another class keeps an Ingress out",
    options: ours,
    host: "field-other.example.com",
    servedBy: null,
    source: `${docs}#ingress-class`,
  },
  {
    name: "the legacy kubernetes.io/ingress.class annotation places an Ingress in our class",
    options: ours,
    host: "annotation-ours.example.com",
    servedBy: "annotation-ours:80",
    source: `${docs}#deprecated-annotation`,
  },
  {
    name: "the legacy annotation naming another class keeps an Ingress out",
    options: ours,
    host: "annotation-other.example.com",
    servedBy: null,
    source: `${docs}#deprecated-annotation`,
  },
  {
    name: "the legacy annotation naming another class keeps an Ingress out of the default class too",
    options: oursByDefault,
    host: "annotation-other.example.com",
    servedBy: null,
    source: `${docs}#deprecated-annotation`,
  },
  {
    name: "spec.ingressClassName wins over a disagreeing annotation (ours by field, other by annotation)",
    options: ours,
    host: "field-ours-annotation-other.example.com",
    servedBy: "field-ours-annotation-other:80",
    source: "decision: spec.ingressClassName, else the legacy annotation",
  },
  {
    name: "spec.ingressClassName wins over a disagreeing annotation (other by field, ours by annotation)",
    options: ours,
    host: "field-other-annotation-ours.example.com",
    servedBy: null,
    source: "decision: spec.ingressClassName, else the legacy annotation",
  },
  {
    name: "an Ingress without class is not ours when we are not the default class",
    options: ours,
    host: "unclassed.example.com",
    servedBy: null,
    source: `${docs}#default-ingress-class`,
  },
  {
    name: "an Ingress without class is ours when we are the default class",
    options: oursByDefault,
    host: "unclassed.example.com",
    servedBy: "unclassed:80",
    source: `${docs}#default-ingress-class (applied when matching, see the comment below)`,
  },
  {
    name: "an older claim in another class does not shadow our route",
    options: ours,
    host: "shared.example.com",
    servedBy: "shared-ours:80",
    source: "decision: tie-breaks apply within the served class only",
  },
  {
    name: "the other class sees its own route for the shared host",
    options: { ingressClass: "other" },
    host: "shared.example.com",
    servedBy: "shared-other:80",
    source: `${docs}#ingress-class`,
  },
  {
    name: "without a class selector every Ingress counts, whatever its class",
    options: {},
    host: "ingress-class",
    servedBy: "ingress-class-prefix:8080",
    source: "decision: with no ingressClass option every Ingress counts",
  },
  {
    name: "without a class selector the oldest claim wins across classes",
    options: {},
    host: "shared.example.com",
    servedBy: "shared-other:80",
    source: "decision: with no ingressClass option every Ingress counts; the oldest object wins",
  },
];

describe("conformance: ingress class", () => {
  // The docs say the default IngressClass is written into new Ingresses without `ingressClassName` at admission;
  // Ingress Kit (like controllers watching Ingresses without class) applies it when matching instead, so an
  // Ingress without class, created before the default class existed, is also served by the default class.
  const ingresses = loadFixture(fixture);

  it(`compiles every Ingress of ${fixture}.yaml without a class selector`, () => {
    const table = compileRoutes(ingresses);
    assert.deepEqual(table.skipped, []);
    assert.equal(table.ingresses.length, ingresses.length);
  });

  for (const c of cases) {
    it(c.name, () => {
      const table = compileRoutes(ingresses, c.options);
      assert.equal(servedBy(table, c.host, "/"), c.servedBy, `source: ${c.source}`);
    });
  }

  it("the table lists the Ingresses of our class only, sorted by namespace/name", () => {
    const names = compileRoutes(ingresses, ours).ingresses.map((ref) => `${ref.namespace}/${ref.name}`);
    assert.deepEqual(names, [
      "conformance/annotation-ours",
      "conformance/field-ours",
      "conformance/field-ours-annotation-other",
      "conformance/shared-ours",
    ]);
  });

  it("as the default class, the table also lists the Ingresses without class", () => {
    const names = compileRoutes(ingresses, oursByDefault).ingresses.map(
      (ref) => `${ref.namespace}/${ref.name}`,
    );
    assert.deepEqual(names, [
      "conformance/annotation-ours",
      "conformance/field-ours",
      "conformance/field-ours-annotation-other",
      "conformance/shared-ours",
      "conformance/unclassed",
    ]);
  });

  it("an Ingress whose field and annotation disagree is compiled with a class-mismatch warning", () => {
    const warnings = compileRoutes(ingresses, ours).warnings.filter((w) => w.code === "WARN_CLASS_MISMATCH");
    assert.deepEqual(
      warnings.map((w) => `${w.object.namespace}/${w.object.name}`),
      ["conformance/field-ours-annotation-other"],
    );
  });
});
