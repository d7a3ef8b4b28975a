/**
 * A throwaway CA and a `localhost` server certificate made with the openssl CLI, for the
 * local push service. (The lead's test/support/tls.ts may replace this.)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TestCertificates {
  caPath: string
  caPem: string
  keyPem: string
  certPem: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' })
}

/** Makes (once per directory) a CA and a certificate for localhost / 127.0.0.1 signed by it. */
export function ensureTestCertificates(dir: string): TestCertificates {
  mkdirSync(dir, { recursive: true })
  const caPath = join(dir, 'ca.pem')
  if (!existsSync(join(dir, 'server.pem'))) {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
    openssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=web-push test CA'], dir)
    openssl(['req', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost'], dir)
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
    openssl(
      ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '30', '-extfile', 'san.ext', '-out', 'server.pem'],
      dir
    )
  }
  return {
    caPath,
    caPem: readFileSync(caPath, 'utf8'),
    keyPem: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
    certPem: readFileSync(join(dir, 'server.pem'), 'utf8'),
  }
}
