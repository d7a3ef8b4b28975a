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
export const PRODUCT_ACTIONS = "src/modules/products/components/product-actions/index.tsx"

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

/**
 * The README's shell block: `npx medusa-plugin-web-push …` runs the plugin's own built CLI
 * (`dist/cli.js`, what npx runs from node_modules), `mv a b` moves a file; anything else is a
 * command this proof does not know, so the README changed and this must learn it.
 */
function runReadmeCommands(readme: string, starterDir: string): string[] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1])
  const block = blocks.find((b) => b.includes("medusa-plugin-web-push storefront"))
  if (!block) throw new ReadmeMismatch("no ```sh block with `medusa-plugin-web-push storefront`")
  const cli = path.join(REPO_ROOT, "dist", "cli.js")
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm run proof:nextjs does)`)
  const changed: string[] = []
  for (const line of block
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [command, ...args] = line.split(/\s+/)
    if (command === "npx" && args[0] === "medusa-plugin-web-push") {
      const out = execFileSync(process.execPath, [cli, ...args.slice(1)], { cwd: starterDir, encoding: "utf8" })
      const wrote = out
        .split("\n")
        .filter((l) => l.startsWith("wrote "))
        .map((l) => path.relative(starterDir, path.resolve(starterDir, l.slice(6))))
      if (wrote.length === 0) throw new Error(`\`${line}\` wrote nothing`)
      changed.push(...wrote)
    } else if (command === "mv" && args.length === 2) {
      const [from, to] = args.map((a) => path.join(starterDir, a))
      if (!fs.existsSync(from)) throw new ReadmeMismatch(`\`${line}\`: ${args[0]} does not exist`)
      fs.renameSync(from, to)
      const moved = changed.indexOf(path.normalize(args[0]))
      if (moved >= 0) changed.splice(moved, 1)
      changed.push(path.normalize(args[1]))
    } else throw new ReadmeMismatch(`its shell block has \`${line}\`, which this proof does not know how to run`)
  }
  return changed
}

export interface AppliedExample {
  /** Every file written or changed, relative to the starter. */
  changed: string[]
}

export function applyExample(starterDir: string): AppliedExample {
  const readme = fs.readFileSync(README, "utf8")
  const changed: string[] = []

  // 1. worker + helper from the plugin's CLI, the helper moved to src/lib (the README's commands)
  changed.push(...runReadmeCommands(readme, starterDir))

  // 2. the example's files, where the folder mirrors them: all new, none of the starter's replaced
  const exampleSrc = path.join(EXAMPLE_DIR, "src")
  for (const entry of fs.readdirSync(exampleSrc, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const from = path.join(entry.parentPath, entry.name)
    const rel = path.join("src", path.relative(exampleSrc, from))
    if (fs.existsSync(path.join(starterDir, rel))) throw new ReadmeMismatch(`copying src/ would replace the starter's ${rel}`)
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
    const withButton = text.replace(
      overview,
      `return (\n    <>\n      <Overview customer={customer} orders={orders} />\n      ${account.line}\n    </>\n  )`
    )
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

  // 6. the product page's alerts, below the add-to-cart button (before the starter's <MobileActions)
  const alerts = readmeSnippet(readme, "tsx", "<ProductPushAlerts ")
  edit(starterDir, PRODUCT_ACTIONS, (text) => {
    const mobile = /\n([ \t]*)<MobileActions\b/.exec(text)
    if (!mobile) throw new ReadmeMismatch(`${PRODUCT_ACTIONS} has no <MobileActions to put the alerts before`)
    const at = mobile.index + 1
    return addImports(text.slice(0, at) + `${mobile[1]}${alerts.line}\n` + text.slice(at), alerts.imports, PRODUCT_ACTIONS)
  })
  changed.push(PRODUCT_ACTIONS)
  return { changed }
}
