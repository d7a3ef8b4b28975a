#!/usr/bin/env node
/**
 * `npx medusa-plugin-web-push vapid`: a new VAPID key pair, as .env lines and a medusa-config.js snippet.
 * `npx medusa-plugin-web-push doctor`: checks the store in the current folder (options, keys,
 * subject, URLs, migrations) and says what to fix. Exit code 1 when something must be fixed.
 * `npx medusa-plugin-web-push storefront <public folder>`: copies the service worker and the
 * subscribe helper of this version into a storefront (run it again after each upgrade).
 * `npx medusa-plugin-web-push inbound-secret`: a Standard Webhooks secret and a URL token for
 * `inbound_sources`.
 */
import { randomBytes } from "node:crypto"
import { generateVapidKeys } from "./core/keys/keys"
import { diagnose, Finding } from "./doctor"
import { copyStorefrontFiles } from "./storefront-copy"

const PACKAGE = "medusa-plugin-web-push"

function vapid(): string {
  const keys = generateVapidKeys()
  return `# .env: keep the private key secret; changing the pair invalidates every subscription
WEB_PUSH_VAPID_PUBLIC_KEY=${keys.publicKey}
WEB_PUSH_VAPID_PRIVATE_KEY=${keys.privateKey}

// medusa-config.js, in plugins:
{
  resolve: "${PACKAGE}",
  options: {
    vapid_public_key: process.env.WEB_PUSH_VAPID_PUBLIC_KEY,
    vapid_private_key: process.env.WEB_PUSH_VAPID_PRIVATE_KEY,
    vapid_subject: "mailto:ops@your-store.com",
    storefront_url: "https://your-store.com",
    admin_url: "https://admin.your-store.com",
  },
},
`
}

function inboundSecret(): string {
  return `# For inbound_sources (keep both secret):
# a signing secret for a sender that signs Standard Webhooks (generic sources):
WEB_PUSH_INBOUND_SECRET=whsec_${randomBytes(32).toString("base64")}
# or, for a sender that cannot sign, a token that becomes part of the hook's URL:
WEB_PUSH_INBOUND_TOKEN=${randomBytes(32).toString("base64url")}
`
}

function render(findings: Finding[]): string {
  const mark = { ok: "ok  ", warn: "warn", error: "FIX " } as const
  return findings.map((f) => `${mark[f.level]} ${f.message}`).join("\n") + "\n"
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === "vapid") {
    process.stdout.write(vapid())
    return 0
  }
  if (command === "inbound-secret") {
    process.stdout.write(inboundSecret())
    return 0
  }
  if (command === "doctor") {
    const dirFlag = rest.indexOf("--dir")
    const dir = dirFlag >= 0 ? rest[dirFlag + 1] : process.cwd()
    const findings = await diagnose(dir)
    process.stdout.write(render(findings))
    return findings.some((f) => f.level === "error") ? 1 : 0
  }
  if (command === "storefront") {
    const target = rest[0]
    if (!target) {
      process.stderr.write(`usage: npx ${PACKAGE} storefront <the storefront's public folder, e.g. ./public>\n`)
      return 2
    }
    for (const file of copyStorefrontFiles(target)) process.stdout.write(`wrote ${file}\n`)
    process.stdout.write(
      "push-sw.js must be served at the storefront's root (/push-sw.js) with no redirect; " +
        "import index.mjs (typed by index.d.mts) or load medusa-web-push.js as a plain script.\n"
    )
    return 0
  }
  process.stdout.write(`usage: npx ${PACKAGE} vapid | inbound-secret | doctor [--dir <store folder>] | storefront <public folder>\n`)
  return command === undefined || command === "help" || command === "--help" ? 0 : 2
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${PACKAGE}: ${(err as Error).message}\n`)
    process.exit(1)
  }
)
