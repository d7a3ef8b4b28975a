// ESLint (flat config) with typescript-eslint: the recommended rules everywhere, and the project's
// own where they apply (no `any` and no console in the plugin). Formatting is prettier's job
// (.prettierrc.json), not ESLint's. `npm run lint`; CI runs it.
import js from "@eslint/js"
import tseslint from "typescript-eslint"

const serviceWorker = Object.fromEntries(
  ["self", "clients", "registration", "fetch", "Response", "Request", "URL", "atob", "btoa", "setTimeout", "clearTimeout", "console"].map(
    (g) => [g, "readonly"]
  )
)
const node = { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", __dirname: "readonly", require: "readonly" }

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "dist/**",
      "build/**",
      ".tmp/**",
      "storefront-snippet/dist/**",
      "test/browser/fixtures/**",
      // Not yet: its `/* eslint-env serviceworker */` comment is an error since ESLint 10 (the
      // service worker globals below replace it) and it has three unused `catch (e)` bindings.
      "storefront-snippet/push-sw.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Lazy `require()` is how this code keeps Medusa's import cost out of what does not need it.
      "@typescript-eslint/no-require-imports": "off",
      // Refusing control characters is what input checks here do, on purpose.
      "no-control-regex": "off",
      // An unused name is a leftover or a bug; a leading underscore says it is unused on purpose.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The plugin: no `any`, and Medusa's logger instead of the console.
    files: ["src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "error",
    },
  },
  {
    // Tests, scripts and examples may use `any` where a library's types are in the way.
    files: ["test/**/*.ts", "**/scripts/**", "storefront-snippet/examples/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.mjs", "**/*.cjs", "**/*.js"],
    languageOptions: { globals: node },
  },
  {
    files: ["storefront-snippet/push-sw.js"],
    languageOptions: { globals: serviceWorker },
  }
)
