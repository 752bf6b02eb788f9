// Finding a Pulumi TypeScript program on disk: its Pulumi.yaml (name, runtime, main) and entry file.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export interface PulumiProject {
  readonly dir: string;
  readonly name: string;
  /** The entry module (index.ts unless Pulumi.yaml's `main` or package.json's `main` says otherwise). */
  readonly entry: string;
}

/** A program folder that cannot be rendered: exit 2 with this message. */
export class ProjectError extends Error {
  override readonly name = "ProjectError";
}

export function loadPulumiProject(dirArg: string): PulumiProject {
  const dir = resolve(dirArg);
  if (!existsSync(dir)) throw new ProjectError(`${dirArg}: no such folder`);
  if (!statSync(dir).isDirectory()) {
    throw new ProjectError(`${dirArg}: not a folder (give the folder that holds Pulumi.yaml)`);
  }
  const manifestPath = ["Pulumi.yaml", "Pulumi.yml"].map((f) => join(dir, f)).find(existsSync);
  if (!manifestPath) {
    throw new ProjectError(`${dirArg}: no Pulumi.yaml here (is this a Pulumi program folder?)`);
  }
  let manifest: { name?: unknown; runtime?: unknown; main?: unknown };
  try {
    manifest = (parse(readFileSync(manifestPath, "utf8")) ?? {}) as typeof manifest;
  } catch (error) {
    throw new ProjectError(`${manifestPath}: ${(error as Error).message.split("\n")[0]}`);
  }
  const runtime =
    typeof manifest.runtime === "string"
      ? manifest.runtime
      : (manifest.runtime as { name?: string } | undefined)?.name;
  if (runtime !== "nodejs") {
    throw new ProjectError(
      `${manifestPath}: runtime is ${JSON.stringify(runtime ?? null)}; render runs nodejs (TypeScript) programs only`,
    );
  }
  const name = typeof manifest.name === "string" ? manifest.name : "project";
  const mainDir = typeof manifest.main === "string" ? resolve(dir, manifest.main) : dir;
  const entry = resolveEntry(mainDir);
  if (!entry) throw new ProjectError(`${dirArg}: no index.ts (or package.json "main") to run`);
  return { dir: mainDir, name, entry };
}

function resolveEntry(dir: string): string | undefined {
  if (existsSync(dir) && statSync(dir).isFile()) return dir;
  const pkgPath = join(dir, "package.json");
  if (existsSync(pkgPath)) {
    const main = (JSON.parse(readFileSync(pkgPath, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") {
      const candidate = [main, main.replace(/\.js$/, ".ts")].map((m) => join(dir, m)).find(existsSync);
      if (candidate) return candidate;
    }
  }
  return ["index.ts", "index.js"].map((f) => join(dir, f)).find(existsSync);
}
