/**
 * Throwaway TLS material for the test push service.
 *
 * A private CA (valid 30 days) signs a leaf certificate for `localhost`,
 * `127.0.0.1` and `::1`. The files are created once per directory and reused
 * while they are valid, match each other and are not about to expire.
 *
 * Child processes (the Medusa server under test) trust the CA through
 * `NODE_EXTRA_CA_CERTS=<caPath>`, which Node reads only at startup, so the test
 * runner sets it when it spawns them. Certificate checking is never disabled.
 */
import { execFileSync } from "node:child_process"
import { X509Certificate, createPrivateKey, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"

export interface TestCertificates {
  /** PEM file of the throwaway CA: the value for NODE_EXTRA_CA_CERTS. */
  caPath: string
  /** PEM private key of the leaf certificate (for https/http2 servers). */
  keyPem: string
  /** PEM leaf certificate for localhost, 127.0.0.1 and ::1. */
  certPem: string
}

const VALID_DAYS = 30
/** Regenerate when less than this much validity is left. */
const MIN_REMAINING_MS = 24 * 60 * 60 * 1000
const LOCK_STALE_MS = 30_000

const FILES = {
  caKey: "ca-key.pem",
  caCert: "ca.pem",
  leafKey: "localhost-key.pem",
  leafCert: "localhost.pem",
} as const

export function ensureTestCertificates(dir: string): TestCertificates {
  fs.mkdirSync(dir, { recursive: true })
  const cached = readIfValid(dir)
  if (cached) return cached
  return withLock(dir, () => readIfValid(dir) ?? generate(dir))
}

function readIfValid(dir: string): TestCertificates | undefined {
  const caPath = path.join(dir, FILES.caCert)
  try {
    const caPem = fs.readFileSync(caPath, "utf8")
    const keyPem = fs.readFileSync(path.join(dir, FILES.leafKey), "utf8")
    const certPem = fs.readFileSync(path.join(dir, FILES.leafCert), "utf8")
    const ca = new X509Certificate(caPem)
    const leaf = new X509Certificate(certPem)
    const usable =
      leaf.verify(ca.publicKey) &&
      leaf.checkPrivateKey(createPrivateKey(keyPem)) &&
      remainingMs(ca) > MIN_REMAINING_MS &&
      remainingMs(leaf) > MIN_REMAINING_MS &&
      // Made under another clock (a run under faketime): not valid yet here, so made again.
      Date.parse(ca.validFrom) <= Date.now() &&
      Date.parse(leaf.validFrom) <= Date.now()
    return usable ? { caPath, keyPem, certPem } : undefined
  } catch {
    return undefined
  }
}

function remainingMs(cert: X509Certificate): number {
  return Date.parse(cert.validTo) - Date.now()
}

function generate(dir: string): TestCertificates {
  const tmp = fs.mkdtempSync(path.join(dir, ".gen-"))
  try {
    const file = (name: string): string => path.join(tmp, name)
    createCa(file(FILES.caKey), file(FILES.caCert))
    createLeaf(tmp, file(FILES.caKey), file(FILES.caCert), file(FILES.leafKey), file(FILES.leafCert))
    // The CA goes last: readIfValid checks that the set belongs together anyway.
    for (const name of [FILES.leafKey, FILES.leafCert, FILES.caKey, FILES.caCert]) {
      fs.renameSync(file(name), path.join(dir, name))
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  const result = readIfValid(dir)
  if (!result) throw new Error(`ensureTestCertificates: generated certificates in ${dir} do not verify`)
  return result
}

/**
 * Under libfaketime (CI's run at the other end of the day) openssl would date the certificates by
 * the faked clock, and a browser, which keeps the real one, could find them not yet valid: there
 * they start a day before the faked now, so both clocks accept them.
 */
function opensslEnv(): NodeJS.ProcessEnv {
  if (!process.env.FAKETIME) return process.env
  const dayBefore = new Date(Date.now() - 86_400_000).toISOString().slice(0, 19).replace("T", " ")
  return { ...process.env, TZ: "UTC", FAKETIME: `@${dayBefore}` }
}

function openssl(args: string[], cwd?: string): void {
  try {
    execFileSync("openssl", args, { cwd, env: opensslEnv(), stdio: ["ignore", "ignore", "pipe"] })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ""
    throw new Error(`openssl ${args[0]} failed: ${stderr || String(error)}`, { cause: error })
  }
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]

function createCa(keyPath: string, certPath: string): void {
  openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    String(VALID_DAYS),
    "-subj",
    "/CN=medusa-plugin-web-push test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ])
}

function createLeaf(workDir: string, caKey: string, caCert: string, keyPath: string, certPath: string): void {
  const csrPath = path.join(workDir, "localhost.csr")
  const extPath = path.join(workDir, "localhost.ext")
  fs.writeFileSync(
    extPath,
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
      "",
    ].join("\n")
  )
  openssl(["req", "-new", ...EC_KEY, "-keyout", keyPath, "-out", csrPath, "-subj", "/CN=localhost"])
  openssl([
    "x509",
    "-req",
    "-in",
    csrPath,
    "-CA",
    caCert,
    "-CAkey",
    caKey,
    "-set_serial",
    `0x${randomBytes(16).toString("hex")}`,
    "-days",
    String(VALID_DAYS),
    "-sha256",
    "-extfile",
    extPath,
    "-out",
    certPath,
  ])
}

/** Cross-process lock (test files may run in parallel processes): mkdir is atomic. */
function withLock<T>(dir: string, fn: () => T): T {
  const lockDir = path.join(dir, ".lock")
  const deadline = Date.now() + LOCK_STALE_MS * 2
  for (;;) {
    try {
      fs.mkdirSync(lockDir)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      if (isStale(lockDir)) fs.rmSync(lockDir, { recursive: true, force: true })
      else if (Date.now() > deadline) throw new Error(`ensureTestCertificates: lock ${lockDir} is held too long`, { cause: error })
      else sleepSync(50)
    }
  }
  try {
    return fn()
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true })
  }
}

function isStale(lockDir: string): boolean {
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs > LOCK_STALE_MS
  } catch {
    return false
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
