// Flat config: typescript-eslint's recommended rules plus the rules that keep the layers apart
// (DESIGN.md: the matcher imports nothing of ours, components never load the controller).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "examples/*/node_modules/",
      "coverage/",
      "tests/fixtures/render-programs/type-error/",
      "tests/.readme-tmp/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "smart"],
      curly: ["error", "multi-line"],
      "prefer-const": "error",
    },
  },
  {
    files: ["sdk/matcher/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./)",
              message: "sdk/matcher has no dependencies and no I/O: import only ./ siblings.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["sdk/components/**/*.ts", "sdk/index.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/controller/**"], message: "A Pulumi program must not load the proxy." }] },
      ],
    },
  },
  {
    files: ["sdk/controller/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@pulumi/*", "**/components/**"], message: "The controller never imports Pulumi." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    // The bin script is CommonJS: it loads the compiled CLI from dist/.
    files: ["bin/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
