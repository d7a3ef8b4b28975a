// Builds the subscribe helper with tsc alone: an ES module (+ types), a plain script that
// defines the global `MedusaWebPush`, and a copy of the service worker; prints gzipped sizes.
// The browser code the helper shares with the plugin's admin (src/browser/) is inlined first
// (inline-imports.mjs): each output is one file a storefront copies as it is.
// Usage: node storefront-snippet/scripts/build.mjs
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import ts from "typescript"
import { inlineRelativeImports } from "./inline-imports.mjs"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const entry = join(root, "src", "index.ts")
const dist = join(root, "dist")

const compilerOptions = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  strict: true,
  noImplicitOverride: true,
  declaration: true,
  skipLibCheck: true,
  types: [],
  outDir: dist,
  rootDir: join(root, "src"),
}

export function buildSnippet() {
  mkdirSync(dist, { recursive: true })
  // The sources as they are, so that an error names the file at fault; then the one-file source.
  failOn(ts.getPreEmitDiagnostics(ts.createProgram([entry], { ...compilerOptions, noEmit: true })))
  const source = inlineRelativeImports(entry)
  const host = ts.createCompilerHost(compilerOptions)
  const readSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    resolve(fileName) === entry
      ? ts.createSourceFile(fileName, source, languageVersion)
      : readSourceFile(fileName, languageVersion, ...rest)
  const program = ts.createProgram([entry], compilerOptions, host)
  const result = program.emit(undefined, (fileName, text) => {
    const renamed = fileName.replace(/index\.js$/, "index.mjs").replace(/index\.d\.ts$/, "index.d.mts")
    if (/^\s*(import\s|export\s[^\n]*\sfrom\s)/m.test(text)) throw new Error(`${renamed} would import another file:\n${text}`)
    writeFileSync(renamed, text)
  })
  failOn(ts.getPreEmitDiagnostics(program).concat(result.diagnostics))

  const cjs = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, removeComments: true },
  }).outputText
  const iife = `/* medusa-plugin-web-push storefront helper */\nvar MedusaWebPush = (function () {\nvar exports = {};\n${cjs}\nreturn exports;\n})();\n`
  writeFileSync(join(dist, "medusa-web-push.js"), iife)
  copyFileSync(join(root, "push-sw.js"), join(dist, "push-sw.js"))

  const sizes = {}
  for (const name of ["index.mjs", "medusa-web-push.js", "push-sw.js"]) {
    const bytes = readFileSync(join(dist, name))
    sizes[name] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
  }
  return sizes
}

function failOn(diagnostics) {
  if (diagnostics.length === 0) return
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }
  throw new Error(ts.formatDiagnostics(diagnostics, host))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = buildSnippet()
  for (const [name, s] of Object.entries(sizes)) console.log(`${name}: ${s.raw} B, ${s.gzip} B gzipped`)
}
