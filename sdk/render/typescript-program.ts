// Type-checking and loading a Pulumi TypeScript program the way `pulumi preview` does (Pulumi runs ts-node with
// type checking): type errors stop the run before any resource is registered. The TypeScript compiler is
// taken from the program's own node_modules when it has one, else from ingress-kit's.
import { readFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join, relative } from "node:path";
import type * as TS from "typescript";

export class TypeScriptErrors extends Error {
  constructor(readonly diagnostics: string[]) {
    super(diagnostics.join("\n"));
    this.name = "TypeScriptErrors";
  }
}

function loadTypeScript(dir: string): typeof TS {
  for (const paths of [[dir], [__dirname]]) {
    try {
      // The program's own compiler first: its version is the one its author tested with.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(require.resolve("typescript", { paths })) as typeof TS;
    } catch {
      // try the next place
    }
  }
  throw new Error(
    "render needs the typescript package: run `npm install --save-dev typescript` in the program folder",
  );
}

function compilerOptions(ts: typeof TS, dir: string): TS.CompilerOptions {
  const configPath = ts.findConfigFile(dir, ts.sys.fileExists, "tsconfig.json");
  const defaults: TS.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    skipLibCheck: true,
  };
  if (!configPath) return defaults;
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(configPath));
  return { ...parsed.options, noEmit: true, skipLibCheck: true };
}

/** Type-checks the program from its entry; throws TypeScriptErrors with one line per diagnostic. */
export function typeCheck(entry: string, dir: string): void {
  const ts = loadTypeScript(dir);
  const program = ts.createProgram([entry], { ...compilerOptions(ts, dir), noEmit: true });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length === 0) return;
  throw new TypeScriptErrors(
    diagnostics.slice(0, 20).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${message}`;
    }),
  );
}

/** Lets require() load .ts files by transpiling them to CommonJS (type checking is done once, up front). */
export function registerTypeScriptLoader(dir: string): () => void {
  const ts = loadTypeScript(dir);
  const extensions = (
    Module as unknown as { _extensions: Record<string, (module: NodeModule, file: string) => void> }
  )._extensions;
  const previous = extensions[".ts"];
  extensions[".ts"] = (module, file) => {
    const source = readFileSync(file, "utf8");
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: false,
        inlineSourceMap: true,
      },
    });
    (module as unknown as { _compile(code: string, file: string): void })._compile(output.outputText, file);
  };
  return () => {
    if (previous) extensions[".ts"] = previous;
    else delete extensions[".ts"];
  };
}

export const entryRelative = (entry: string, dir: string) => relative(dir, entry) || join(".", entry);
