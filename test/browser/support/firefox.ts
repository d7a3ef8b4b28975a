/**
 * Debian's Firefox ESR, headless, with a fresh profile pointed at a local push service, driven by
 * puppeteer-core over WebDriver BiDi.
 *
 * Firefox is started here rather than by `puppeteer.launch` so that the BiDi connection goes
 * through our own transport: besides carrying puppeteer's traffic it can send BiDi commands
 * of its own on the same session. With `--remote-allow-system-access` those reach Firefox's
 * chrome windows (`"moz:scope": "chrome"`), which is how a test clicks a notification's alert.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import puppeteer, { type Browser, type ConnectionTransport } from "puppeteer-core"
import { WebSocket } from "ws"
import { realClockEnv } from "./real-clock"

export const FIREFOX_PATH = process.env.FIREFOX_BIN ?? "/usr/bin/firefox-esr"

/** Preferences for an offline, quiet Firefox that takes its push service from `pushServerUrl`. */
export function firefoxPrefs(pushServerUrl: string): Record<string, string | number | boolean> {
  return {
    "dom.push.enabled": true,
    "dom.push.connection.enabled": true,
    "dom.push.serverURL": pushServerUrl,
    "dom.push.testing.allowInsecureServerURL": true,
    "dom.push.retryBaseInterval": 500,
    "dom.serviceWorkers.enabled": true,
    "dom.serviceWorkers.testing.enabled": true,
    "dom.serviceWorkers.idle_timeout": 60_000,
    "permissions.default.desktop-notification": 1,
    "alerts.useSystemBackend": false,
    "alerts.disableSlidingEffect": true,
    // offline and quiet: no updates, telemetry, remote settings, captive portal, first-run pages
    "app.update.disabledForTesting": true,
    "app.update.auto": false,
    "browser.shell.checkDefaultBrowser": false,
    "browser.startup.page": 0,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": false,
    "browser.newtabpage.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "browser.safebrowsing.downloads.enabled": false,
    "browser.safebrowsing.update.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "datareporting.healthreport.uploadEnabled": false,
    "toolkit.telemetry.enabled": false,
    "toolkit.telemetry.reportingpolicy.firstRun": false,
    "extensions.update.enabled": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "services.settings.server": "http://127.0.0.1:9/remote-settings",
    "toolkit.startup.max_resumed_crashes": -1,
    "remote.prefs.recommended": true,
  }
}

interface BidiReply {
  id?: number
  type?: string
  result?: unknown
  error?: string
  message?: string
}

/** A puppeteer transport over a WebSocket that can also send commands of its own. */
class TappedBidiTransport implements ConnectionTransport {
  onmessage?: (message: string) => void
  onclose?: () => void
  #nextId = 1_000_000_000
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()

  constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const text = data.toString()
      const reply = JSON.parse(text) as BidiReply
      const waiter = typeof reply.id === "number" ? this.#pending.get(reply.id) : undefined
      if (!waiter) return this.onmessage?.(text)
      this.#pending.delete(reply.id as number)
      if (reply.type === "error") waiter.reject(new Error(`${reply.error}: ${reply.message}`))
      else waiter.resolve(reply.result)
    })
    socket.on("close", () => this.onclose?.())
  }

  send(message: string): void {
    this.socket.send(message)
  }

  close(): void {
    this.socket.close()
  }

  command<T>(method: string, params: object): Promise<T> {
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.socket.send(JSON.stringify({ id, method, params }))
    })
  }
}

export interface FirefoxSession {
  browser: Browser
  /** Runs a function body in Firefox's first chrome window (privileged; `Services` is in scope). */
  evaluateInChrome<T extends string | number | boolean | null>(functionBody: string): Promise<T>
  close(): Promise<void>
}

function waitForBidiUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ""
    const timer = setTimeout(() => reject(new Error(`Firefox printed no BiDi endpoint:\n${output}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stderr?.off("data", onData)
        resolve(match[1])
      }
    }
    child.stderr?.on("data", onData)
    child.once("exit", (code) => reject(new Error(`Firefox exited (${code}) before BiDi was up:\n${output}`)))
  })
}

export async function launchFirefox(options: { pushServerUrl: string }): Promise<FirefoxSession> {
  const profile = mkdtempSync(join(tmpdir(), "web-push-firefox-"))
  const prefs = firefoxPrefs(options.pushServerUrl)
  writeFileSync(
    join(profile, "user.js"),
    Object.entries(prefs)
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join("\n")
  )
  const child = spawn(
    FIREFOX_PATH,
    ["--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0", "--remote-allow-system-access", "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...realClockEnv(), MOZ_CRASHREPORTER_DISABLE: "1" } }
  )
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null) child.kill("SIGTERM")
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    if (child.exitCode === null) child.kill("SIGKILL")
    rmSync(profile, { recursive: true, force: true })
  }
  try {
    const url = await waitForBidiUrl(child, 30_000)
    const socket = new WebSocket(`${url}/session`, { perMessageDeflate: false })
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject))
    const transport = new TappedBidiTransport(socket)
    const browser = await puppeteer.connect({ transport, protocol: "webDriverBiDi", protocolTimeout: 30_000 })

    async function evaluateInChrome<T>(functionBody: string): Promise<T> {
      const tree = await transport.command<{ contexts: { context: string }[] }>("browsingContext.getTree", {
        "moz:scope": "chrome",
        maxDepth: 0,
      })
      const context = tree.contexts[0]?.context
      if (!context) throw new Error("Firefox has no chrome window")
      const result = await transport.command<{ type: string; result?: { value?: T }; exceptionDetails?: { text: string } }>(
        "script.callFunction",
        { functionDeclaration: `async () => { ${functionBody} }`, target: { context }, awaitPromise: true }
      )
      if (result.type === "exception") throw new Error(`chrome script threw: ${result.exceptionDetails?.text}`)
      return result.result?.value as T
    }

    return {
      browser,
      evaluateInChrome,
      async close() {
        await browser.close().catch(() => undefined)
        await cleanup()
      },
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}

/**
 * Clicks the alert window Firefox shows for the notification titled `title`, as a person would;
 * answers "clicked", or what it found instead. A replaced notification's window (same tag) may
 * still be loading, so it looks for up to 10 s.
 */
export function clickAlertWindow(firefox: FirefoxSession, title: string): Promise<string> {
  return firefox.evaluateInChrome<string>(`
    const wanted = ${JSON.stringify(title)}
    let titles = []
    for (const deadline = Date.now() + 10000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      titles = []
      for (const alert of Services.wm.getEnumerator('alert:alert')) {
        const label = alert.document.getElementById('alertTitleLabel')
        const title = label?.value || label?.textContent || ''
        titles.push(title)
        if (title === wanted) {
          alert.document.getElementById('alertBox').click()
          return 'clicked'
        }
      }
    }
    return 'no alert window titled ' + wanted + ', only: ' + JSON.stringify(titles)`)
}
