// Builds the subscribe helper with tsc alone: an ES module (+ types), a plain script that
// defines the global `MedusaWebPush`, and a copy of the service worker; prints gzipped sizes.
// Usage: node storefront-snippet/scripts/build.mjs
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import ts from 'typescript'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'src', 'index.ts')
const dist = join(root, 'dist')

const compilerOptions = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  strict: true,
  noImplicitOverride: true,
  declaration: true,
  skipLibCheck: true,
  types: [],
  outDir: dist,
  rootDir: join(root, 'src'),
}

export function buildSnippet() {
  mkdirSync(dist, { recursive: true })
  const program = ts.createProgram([entry], compilerOptions)
  const outputs = {}
  const result = program.emit(undefined, (fileName, text) => {
    const renamed = fileName.replace(/index\.js$/, 'index.mjs').replace(/index\.d\.ts$/, 'index.d.mts')
    outputs[renamed] = text
    writeFileSync(renamed, text)
  })
  const diagnostics = ts.getPreEmitDiagnostics(program).concat(result.diagnostics)
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }
    throw new Error(ts.formatDiagnostics(diagnostics, host))
  }

  const cjs = ts.transpileModule(readFileSync(entry, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, removeComments: true },
  }).outputText
  const iife = `/* medusa-plugin-web-push storefront helper */\nvar MedusaWebPush = (function () {\nvar exports = {};\n${cjs}\nreturn exports;\n})();\n`
  writeFileSync(join(dist, 'medusa-web-push.js'), iife)
  copyFileSync(join(root, 'push-sw.js'), join(dist, 'push-sw.js'))

  const sizes = {}
  for (const name of ['index.mjs', 'medusa-web-push.js', 'push-sw.js']) {
    const bytes = readFileSync(join(dist, name))
    sizes[name] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
  }
  return sizes
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = buildSnippet()
  for (const [name, s] of Object.entries(sizes)) console.log(`${name}: ${s.raw} B, ${s.gzip} B gzipped`)
}
