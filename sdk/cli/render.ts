// `ingress-kit render PROGRAM_DIR`: runs a Pulumi TypeScript program offline (Pulumi's mock runtime in preview
// mode: no CLI, no cluster, no network) and prints the Kubernetes objects it would create as YAML.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ExitCode, UsageError } from "./exit-codes";
import { writeLine, type Output } from "./terminal";

export const RENDER_USAGE = `Usage: ingress-kit render PROGRAM_DIR [--out DIR] [--config KEY=VALUE]... [--stack NAME]

Runs the Pulumi TypeScript program in PROGRAM_DIR offline, as "pulumi preview" would but with no Pulumi CLI,
no cluster and no network, and prints the Kubernetes objects it would create as multi-document YAML. Helm charts
are listed as chart, repository, version and values. The program's own validation runs exactly as in a
preview: a route conflict or an invalid route fails the render with the same message.

  --out DIR            write one file per object into DIR instead of printing
  --config KEY=VALUE   stack configuration (KEY may be "project:key"; a bare key gets the project's name)
  --stack NAME         the stack name the program sees (default "dev")

Limits: values the providers compute at deploy time (generated names, certificates, load balancer addresses)
are shown as "(known after deploy)"; Pulumi secrets and the data of every Secret as "(secret)".

Exit status: 0 rendered, 1 the program failed (its errors are printed), 2 bad usage or no program there,
3 the program has TypeScript errors.`;

export async function runRender(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      config: { type: "string", multiple: true, default: [] },
      stack: { type: "string", default: "dev" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    writeLine(io.out, RENDER_USAGE);
    return ExitCode.Ok;
  }
  if (positionals.length !== 1) throw new UsageError("render needs exactly one PROGRAM_DIR", RENDER_USAGE);

  // Loaded here, not at the top: check and route must not pay for Pulumi and TypeScript.
  const { loadPulumiProject, ProjectError } = await import("../render/pulumi-project.js");
  const { typeCheck, TypeScriptErrors } = await import("../render/typescript-program.js");
  const { runProgramOffline } = await import("../render/offline-engine.js");
  const { renderObjects } = await import("../render/rendered-objects.js");

  let project;
  try {
    project = loadPulumiProject(positionals[0]!);
  } catch (error) {
    if (error instanceof ProjectError) {
      writeLine(io.err, `ingress-kit render: ${error.message}`);
      return ExitCode.Unreadable;
    }
    throw error;
  }
  const config: Record<string, string> = {};
  for (const pair of values.config) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config takes KEY=VALUE, got ${JSON.stringify(pair)}`, RENDER_USAGE);
    const key = pair.slice(0, eq);
    config[key.includes(":") ? key : `${project.name}:${key}`] = pair.slice(eq + 1);
  }

  try {
    typeCheck(project.entry, project.dir);
  } catch (error) {
    if (error instanceof TypeScriptErrors) {
      for (const line of error.diagnostics) writeLine(io.err, line);
      writeLine(io.err, `ingress-kit render: the program has TypeScript errors; fix them and run again`);
      return ExitCode.TypeErrors;
    }
    throw error;
  }

  const run = await runProgramOffline(project, { stack: values.stack, config });
  for (const warning of run.warnings) writeLine(io.err, `warning: ${warning}`);
  if (run.errors.length > 0) {
    for (const error of run.errors) writeLine(io.err, `error: ${error}`);
    return ExitCode.Found;
  }

  const rendered = renderObjects(run.resources);
  for (const component of rendered.notExpanded) {
    writeLine(
      io.err,
      `warning: ${component} is expanded by the Kubernetes provider at deploy time; its objects are not rendered`,
    );
  }
  const documents = [
    ...rendered.charts.map((chart) => ({
      comment: `Helm chart ${chart.name}: expanded by Pulumi at deploy time (${chart.type})`,
      body: {
        helmChart: {
          name: chart.name,
          chart: chart.chart,
          repository: chart.repository,
          version: chart.version,
          namespace: chart.namespace,
          values: chart.values,
        },
      },
      file: `helm-${chart.name}.yaml`,
    })),
    ...rendered.objects.map((object) => ({
      comment: undefined,
      body: object,
      file: `${object.kind.toLowerCase()}-${String(object.metadata.namespace ?? "cluster")}-${String(object.metadata.name)}.yaml`.replace(
        /[^A-Za-z0-9._-]+/g,
        "_",
      ),
    })),
  ];
  const yamlOf = (d: (typeof documents)[number]) =>
    (d.comment ? `# ${d.comment}\n` : "") + stringify(d.body, { lineWidth: 0 });
  if (values.out !== undefined) {
    mkdirSync(values.out, { recursive: true });
    for (const document of documents) writeFileSync(join(values.out, document.file), yamlOf(document));
    writeLine(
      io.err,
      `wrote ${documents.length} file(s) to ${values.out}: ${rendered.objects.length} Kubernetes object(s), ${rendered.charts.length} Helm chart(s)`,
    );
  } else {
    writeLine(
      io.out,
      `# ingress-kit render ${positionals[0]} (offline preview of stack "${values.stack}"): ${rendered.objects.length} object(s), ${rendered.charts.length} Helm chart(s)`,
    );
    io.out.write(documents.map(yamlOf).join("---\n").replace(/\n?$/, "\n"));
  }
  return ExitCode.Ok;
}
