/**
 * Step 2 of the Next.js proof: what storefront-snippet/examples/nextjs/README.md tells a store
 * owner to do, done to the real starter. The snippets inserted are read from the README itself
 * (its code blocks), so the proof checks the README's words, not a copy of them; every place the
 * README names must be found in the starter as it says, or this throws with what was missing.
 */
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { REPO_ROOT } from "../support/paths"

export const EXAMPLE_DIR = path.join(REPO_ROOT, "storefront-snippet", "examples", "nextjs")
const README = path.join(EXAMPLE_DIR, "README.md")

export const MIDDLEWARE = "src/middleware.ts"
export const ACCOUNT_PAGE = "src/app/[countryCode]/(main)/account/@dashboard/page.tsx"
export const ORDER_TEMPLATE = "src/modules/order/templates/order-completed-template.tsx"

export class ReadmeMismatch extends Error {
  constructor(message: string) {
    super(`examples/nextjs/README.md does not fit the starter: ${message}`)
    this.name = "ReadmeMismatch"
  }
}

interface Snippet {
  imports: string[]
  /** The JSX element, or for the middleware the matcher line. */
  line: string
}

/** The README's code block (```lang) that contains `marker`: its import lines and the line with the marker. */
export function readmeSnippet(readme: string, lang: string, marker: string): Snippet {
  const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].filter((m) => m[1] === lang).map((m) => m[2])
  const block = blocks.find((b) => b.includes(marker))
  if (!block) throw new ReadmeMismatch(`no \`\`\`${lang} block with ${marker}`)
  const lines = block.split("\n").map((l) => l.trim())
  const line = lines.find((l) => l.includes(marker)) as string
  return { imports: lines.filter((l) => l.startsWith("import ")), line }
}

function edit(starterDir: string, file: string, change: (text: string) => string): void {
  const full = path.join(starterDir, file)
  if (!fs.existsSync(full)) throw new ReadmeMismatch(`${file} does not exist in the starter`)
  const before = fs.readFileSync(full, "utf8")
  const after = change(before)
  if (after === before) throw new ReadmeMismatch(`${file} was left unchanged`)
  fs.writeFileSync(full, after)
}

/** Adds import lines after a file's last import (the starter's imports end before its first blank-line-separated code). */
function addImports(text: string, imports: string[], file: string): string {
  const missing = imports.filter((i) => !text.includes(i))
  const lastImport = [...text.matchAll(/^import [\s\S]*?from ["'][^"']+["']\n/gm)].pop()
  if (!lastImport || lastImport.index === undefined) throw new ReadmeMismatch(`${file} has no import to add the README's after`)
  const at = lastImport.index + lastImport[0].length
  return text.slice(0, at) + missing.map((i) => `${i}\n`).join("") + text.slice(at)
}

/** Copies the worker and helper with the plugin's own CLI (the built `dist/cli.js`), as `npx medusa-plugin-web-push storefront ./public`. */
function runStorefrontCli(starterDir: string): string[] {
  const cli = path.join(REPO_ROOT, "dist", "cli.js")
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm run proof:nextjs does)`)
  const out = execFileSync(process.execPath, [cli, "storefront", "./public"], { cwd: starterDir, encoding: "utf8" })
  return out.split("\n").filter((l) => l.startsWith("wrote "))
}

export interface AppliedExample {
  /** Every file written or changed, relative to the starter. */
  changed: string[]
}

export function applyExample(starterDir: string): AppliedExample {
  const readme = fs.readFileSync(README, "utf8")
  const changed: string[] = []

  // 1. worker + helper from the CLI into public/, the helper then moved to src/lib (README's table)
  const wrote = runStorefrontCli(starterDir)
  if (wrote.length === 0) throw new Error("the plugin's storefront CLI wrote nothing")
  for (const [from, to] of [
    ["public/index.mjs", "src/lib/medusa-web-push.mjs"],
    ["public/index.d.mts", "src/lib/medusa-web-push.d.mts"],
  ]) {
    fs.renameSync(path.join(starterDir, from), path.join(starterDir, to))
    changed.push(to)
  }
  changed.push("public/push-sw.js", "public/medusa-web-push.js")

  // 2. the example's files, where the folder mirrors them
  const exampleSrc = path.join(EXAMPLE_DIR, "src")
  for (const entry of fs.readdirSync(exampleSrc, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const from = path.join(entry.parentPath, entry.name)
    const rel = path.join("src", path.relative(exampleSrc, from))
    fs.mkdirSync(path.dirname(path.join(starterDir, rel)), { recursive: true })
    fs.copyFileSync(from, path.join(starterDir, rel))
    changed.push(rel)
  }

  // 3. the middleware's matcher lets /push-sw.js through (no redirect to /<country>/push-sw.js)
  const matcher = readmeSnippet(readme, "ts", "matcher:").line
  const original = matcher.replace("|push-sw.js", "")
  if (original === matcher) throw new ReadmeMismatch(`its matcher line does not exclude push-sw.js: ${matcher}`)
  edit(starterDir, MIDDLEWARE, (text) => {
    if (!text.includes(original)) throw new ReadmeMismatch(`${MIDDLEWARE} has no \`${original}\` to replace`)
    return text.replace(original, matcher)
  })
  changed.push(MIDDLEWARE)

  // 4. the account dashboard shows the button, with the customer's token from the server
  const account = readmeSnippet(readme, "tsx", "<PushOptIn ")
  const overview = "return <Overview customer={customer} orders={orders} />"
  edit(starterDir, ACCOUNT_PAGE, (text) => {
    if (!text.includes(overview)) throw new ReadmeMismatch(`${ACCOUNT_PAGE} has no \`${overview}\``)
    const withButton = text.replace(overview, `return (\n    <>\n      <Overview customer={customer} orders={orders} />\n      ${account.line}\n    </>\n  )`)
    return addImports(withButton, account.imports, ACCOUNT_PAGE)
  })
  changed.push(ACCOUNT_PAGE)

  // 5. the order confirmation page, below the order details
  const order = readmeSnippet(readme, "tsx", "<OrderPushOptIn ")
  const details = "<OrderDetails order={order} />"
  edit(starterDir, ORDER_TEMPLATE, (text) => {
    if (!text.includes(details)) throw new ReadmeMismatch(`${ORDER_TEMPLATE} has no \`${details}\` to put the opt-in below`)
    const indent = /\n([ \t]*)<OrderDetails order=\{order\} \/>/.exec(text)?.[1] ?? ""
    return addImports(text.replace(details, `${details}\n${indent}${order.line}`), order.imports, ORDER_TEMPLATE)
  })
  changed.push(ORDER_TEMPLATE)
  return { changed }
}
