import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AggregatorRegistry, Histogram, Registry } from "prom-client";
import { FastHistogram } from "../../sdk/controller/fast-histogram";

const buckets = [0.001, 0.01, 0.1, 1];
const observations: [string, number][] = [
  ["default/web", 0.0005],
  ["default/web", 0.001],
  ["default/web", 0.05],
  ["default/api", 2],
  ["default/web", 0.5],
];

function promClientText(): Promise<string> {
  const registry = new Registry();
  const histogram = new Histogram({
    name: "latency_seconds",
    help: "Latency.",
    labelNames: ["ingress"],
    buckets,
    registers: [registry],
  });
  for (const [ingress, value] of observations) histogram.labels(ingress).observe(value);
  return registry.metrics();
}

function fastRegistry(): Registry {
  const registry = new Registry();
  const histogram = new FastHistogram({
    name: "latency_seconds",
    help: "Latency.",
    labelName: "ingress",
    buckets,
    registers: [registry],
  });
  for (const [ingress, value] of observations) histogram.observe(histogram.seriesFor(ingress), value);
  return registry;
}

describe("FastHistogram", () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    assert.equal(await fastRegistry().metrics(), await promClientText());
  });

  it("aggregates across cluster workers like prom-client's metrics (sums per series)", async () => {
    const one = await fastRegistry().getMetricsAsJSON();
    const merged = AggregatorRegistry.aggregate([one, one]);
    const text = await merged.metrics();
    assert.match(text, /latency_seconds_count\{ingress="default\/web"\} 8/);
    assert.match(text, /latency_seconds_bucket\{le="0.001",ingress="default\/web"\} 4/);
  });
});
