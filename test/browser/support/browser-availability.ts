/**
 * Browser tests skip loudly where the browser binary is missing, but fail in CI (`CI=true`),
 * where .ci/run must have installed it.
 */
import { existsSync } from "node:fs"

export type Availability = { run: true } | { run: false; skip: string }

export function browserAvailability(name: string, path: string, aptPackage: string): Availability {
  if (existsSync(path)) return { run: true }
  const message = `${name} not found at ${path} (install Debian's ${aptPackage})`
  if (process.env.CI === "true") throw new Error(`${message}: browser tests cannot be skipped in CI`)
  process.stderr.write(`\n*** SKIPPING ${name} browser tests: ${message} ***\n\n`)
  return { run: false, skip: message }
}
