import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRoutes, explainMatch } from "../../sdk/matcher";
import { ingress, rule, served } from "../helpers/ingress-builders";

describe("explainMatch", () => {
  const objects = [
    ingress(
      "site",
      [rule("x.example.com", { path: "/", service: "root" }, { path: "/api", service: "api" })],
      {
        created: "2020-01-01T00:00:00Z",
      },
    ),
    ingress("wild", [rule("*.example.com", { path: "/api/v2", service: "wild" })]),
    ingress("late", [rule("x.example.com", { path: "/api", service: "late" })], {
      created: "2030-01-01T00:00:00Z",
    }),
  ];

  it("names the same winner as the table, and why each other matching rule lost", () => {
    const explanation = explainMatch(objects, "x.example.com", "/api/v2");
    assert.deepEqual(explanation.match, compileRoutes(objects).match("x.example.com", "/api/v2"));
    assert.equal(served(explanation.match), "api");
    assert.deepEqual(
      explanation.losers.map((l) => [l.ingress.name, l.path, l.reason]),
      [
        ["site", "/", "shorter-path"],
        ["late", "/api", "lost-tie-break"],
        ["wild", "/api/v2", "less-specific-host"],
      ],
    );
  });

  it("considers only the later copy of an object given twice, as the table does", () => {
    const old = ingress("dup", [rule("d.example.com", { path: "/old", service: "old" })]);
    const fresh = ingress("dup", [rule("d.example.com", { path: "/new", service: "new" })]);
    const explanation = explainMatch([old, fresh], "d.example.com", "/old");
    assert.equal(explanation.match, null);
    assert.deepEqual(explanation.losers, []);
    assert.equal(served(explainMatch([old, fresh], "d.example.com", "/new").match), "new");
  });

  it("never throws on junk input", () => {
    assert.doesNotThrow(() => explainMatch(null as never, undefined as never, undefined as never));
    assert.equal(explainMatch(null as never, "x", "/").match, null);
  });
});
