/**
 * `npm run proof:nextjs`: the plugin's Next.js example proven against the REAL Medusa v1 Next.js
 * starter (slow, so not part of `npm test`).
 *
 *  1. the starter's source (NEXTJS_STARTER_DIR, else `git archive v1` from NEXTJS_STARTER_GIT or
 *     the mirror, else `git clone`), into .tmp/nextjs-starter;
 *  2. examples/nextjs/README.md's instructions applied to it (the plugin's CLI, the example's
 *     files, the middleware's matcher, the two pages);
 *  3. its dependencies (yarn 1 from its yarn.lock, as its README says; NEXTJS_STARTER_INSTALLER=npm
 *     for npm; cached by package.json) and `next build`, with the starter's
 *     .env pointed at a real Medusa store with this plugin, running in this process;
 *  4. `next start` and Firefox ESR through a local autopush-compatible push service: the order
 *     confirmation page's opt-in, the store's row, the shipment notification; then opt-out and a
 *     signed-in customer on the account page;
 *  5. the product page's "notify me" for a sold-out variant as a visitor, a restock through the
 *     admin API, the "Back in stock" notification and its click (test/nextjs/product-alerts-proof.ts);
 *  6. a summary.
 *
 * Exit codes: 0 every step ok; 1 a step failed; 3 the starter's source could not be had (offline).
 */
import { spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { startAutopushServer, type AutopushServer } from "../browser/support/autopush-server"
import { FIREFOX_PATH, launchFirefox, type FirefoxSession } from "../browser/support/firefox"
import { freePort } from "../support/database"
import { CERT_DIR, startTestStore, testCaTrusted, trustBundle, type TestStore } from "../support/environment"
import { TMP_DIR } from "../support/paths"
import { ensureTestCertificates } from "../support/tls"
import { applyExample } from "./apply-example"
import { runBrowserProof, type ProofContext } from "./browser-proof"
import { runProductAlertsProof } from "./product-alerts-proof"
import { nextBuild, nextStart, writeStarterEnv, type NextServer } from "./next-process"
import { installStarter, stashInstall, yarnResolutionsAsNpmOverrides } from "./starter-install"
import { fetchStarterSource, StarterSourceUnreachable, type StarterSource } from "./starter-source"
import { Steps } from "./steps"
import { addSoldOutProduct, addUsRegion } from "./us-catalog"

export const EXIT_SOURCE_UNREACHABLE = 3
const STARTER_DIR = path.join(TMP_DIR, "nextjs-starter")
const CACHE_DIR = path.join(TMP_DIR, "nextjs-install-cache")
const LOG_DIR = path.join(TMP_DIR, "nextjs-logs")

/** Node trusts an extra CA only from start-up: run this script again with the test CA trusted. */
function relaunchWithTrustedCa(): void {
  const child = spawn(process.execPath, ["--no-deprecation", "--import", "tsx", __filename, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: trustBundle(),
      // as test/run.ts: the store's event bus enqueues in this process, Medusa is quiet and offline
      NODE_ENV: "test",
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_FF_ANALYTICS: "false",
      XDG_CONFIG_HOME: path.join(TMP_DIR, "xdg"),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
  })
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal))
  child.on("exit", (code) => process.exit(code ?? 1))
}

async function main(): Promise<number> {
  const installer = process.env.NEXTJS_STARTER_INSTALLER ?? "yarn"
  if (installer !== "yarn" && installer !== "npm") throw new Error(`NEXTJS_STARTER_INSTALLER must be yarn or npm, not ${installer}`)
  const steps = new Steps((line) => process.stdout.write(`${line}\n`))
  fs.mkdirSync(LOG_DIR, { recursive: true })
  const facts: Array<[string, string]> = []
  const stops: Array<() => Promise<unknown>> = []

  let source: StarterSource
  try {
    stashInstall(STARTER_DIR, CACHE_DIR)
    source = fetchStarterSource(STARTER_DIR)
  } catch (err) {
    if (!(err instanceof StarterSourceUnreachable)) throw err
    process.stdout.write(`proof:nextjs skipped: ${err.message}\n`)
    return EXIT_SOURCE_UNREACHABLE
  }
  steps.record({ name: `starter source: ${source.from}`, status: "ok", seconds: 0, detail: source.commit })
  facts.push(["starter", `nextjs-starter-medusa @ ${source.commit} (${source.from})`], ["starter folder", STARTER_DIR])

  try {
    await steps.run(
      "examples/nextjs/README.md applied to the starter",
      () => applyExample(STARTER_DIR),
      (a) => `${a.changed.length} files`
    )
    if (installer === "npm") {
      const overrides = await steps.run(
        "the starter's yarn `resolutions` as npm `overrides`",
        () => yarnResolutionsAsNpmOverrides(STARTER_DIR),
        (c) => c.join(", ") || "none needed"
      )
      facts.push(["package.json", overrides.length ? `for npm: ${overrides.join(", ")}` : "as shipped"])
    }
    const install = await steps.run(`${installer} install in the starter`, () =>
      installStarter(STARTER_DIR, installer, CACHE_DIR, path.join(LOG_DIR, `${installer}-install.log`))
    )
    facts.push([
      `${installer} install`,
      install.cached
        ? `${install.installSeconds.toFixed(1)} s when made; restored from the cache (key ${install.key}) in ${install.seconds.toFixed(1)} s`
        : `${install.seconds.toFixed(1)} s (cached as ${install.key} for the next run)`,
    ])

    const port = await freePort()
    const origin = `http://localhost:${port}`
    const ready = await steps.run(
      "Medusa store with this plugin (STORE_CORS = the storefront) + a us region + a sold-out product",
      async () => {
        const store: TestStore = await startTestStore("nextjs-proof", { storeCors: origin, pluginOptions: { storefront_url: origin } })
        stops.push(() => store.stop())
        const catalog = await addUsRegion(store.http, store.admin, store.catalog)
        const soldOut = await addSoldOutProduct(store.http, store.admin)
        return { store, catalog, soldOut }
      }
    )
    writeStarterEnv(STARTER_DIR, { backendUrl: ready.store.app.baseUrl, storefrontOrigin: origin })

    const build = await nextBuild(STARTER_DIR, path.join(LOG_DIR, "next-build.log"))
    steps.record({
      name: "next build (the store running)",
      status: build.ok ? "ok" : "failed",
      seconds: build.seconds,
      detail: build.error,
    })
    facts.push([
      "next build",
      `${build.ok ? "passed" : "FAILED"} in ${build.seconds.toFixed(1)} s (log: ${path.join(LOG_DIR, "next-build.log")})`,
    ])
    if (!build.ok) return 1

    const next: NextServer = await steps.run(`next start on ${origin}`, () =>
      nextStart(STARTER_DIR, port, path.join(LOG_DIR, "next-start.log"))
    )
    stops.push(() => next.stop())

    if (!fs.existsSync(FIREFOX_PATH)) {
      steps.record({
        name: "Firefox ESR steps",
        status: process.env.CI === "true" ? "failed" : "skipped",
        seconds: 0,
        detail: `no Firefox at ${FIREFOX_PATH} (Debian's firefox-esr)`,
      })
      return steps.failed ? 1 : 0
    }
    const certs = ensureTestCertificates(CERT_DIR)
    const push: AutopushServer = await startAutopushServer(certs)
    stops.push(() => push.close())
    const firefox: FirefoxSession = await steps.run("Firefox ESR with the local push service", () =>
      launchFirefox({ pushServerUrl: push.wsUrl })
    )
    stops.push(() => firefox.close())
    const proof: ProofContext = { store: ready.store, catalog: ready.catalog, push, firefox, origin, step: steps.run }
    await runBrowserProof(proof)
    await runProductAlertsProof(proof, ready.soldOut)
    return 0
  } catch (err) {
    if (!steps.failed) steps.record({ name: "unexpected error", status: "failed", seconds: 0, detail: (err as Error).stack ?? String(err) })
    return 1
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
    process.stdout.write(steps.summary(facts))
  }
}

if (!testCaTrusted()) relaunchWithTrustedCa()
else
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`[proof:nextjs] ${(err as Error).stack ?? String(err)}\n`)
      process.exit(1)
    }
  )
