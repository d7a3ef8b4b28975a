/** Debian's Chromium, headless, driven by puppeteer-core over CDP. */
import puppeteer, { type Browser } from "puppeteer-core"
import { realClockEnv } from "./real-clock"

export const CHROMIUM_PATH = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium"

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
]

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    protocolTimeout: 30_000,
    env: realClockEnv(),
  })
}
