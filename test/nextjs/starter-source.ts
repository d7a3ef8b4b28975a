/**
 * Step 1 of the Next.js proof: the starter's source, from the first of
 *   NEXTJS_STARTER_DIR (a checkout or an unpacked archive),
 *   NEXTJS_STARTER_GIT (a git dir; default the lead's mirror) with `git archive v1`,
 *   `git clone --branch v1` from GitHub,
 * extracted into a fresh folder. Each failed source is remembered, so that when none works the
 * caller can say in one line why (and exit as "skipped", not "failed").
 */
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"

export const STARTER_BRANCH = "v1"
export const STARTER_REPO_URL = "https://github.com/medusajs/nextjs-starter-medusa"
export const DEFAULT_STARTER_GIT = "/work/.mirror/medusajs+nextjs-starter-medusa/repo"

export interface StarterSource {
  /** How it was obtained, e.g. `git archive v1 from /work/.mirror/…`. */
  from: string
  /** The commit, when the source knows it. */
  commit: string
}

export class StarterSourceUnreachable extends Error {
  constructor(readonly attempts: string[]) {
    super(`starter source unreachable: ${attempts.join("; ")}`)
    this.name = "StarterSourceUnreachable"
  }
}

function git(args: string[], cwd?: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 }).trim()
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string | Buffer; message?: string }
  const text = (e.stderr ? e.stderr.toString() : "") || e.message || String(err)
  return text.trim().split("\n").filter(Boolean).pop() ?? "failed"
}

/** A copy of `dir` without its node_modules, .next and .git. */
function copyDirectory(dir: string, target: string): string {
  fs.cpSync(dir, target, {
    recursive: true,
    filter: (src) => !/(^|[\\/])(node_modules|\.next|\.git)$/.test(path.relative(dir, src)),
  })
  try {
    return git(["rev-parse", "HEAD"], dir)
  } catch {
    return "unknown (a folder, not a git checkout)"
  }
}

function archiveFromGit(gitDir: string, target: string): string {
  const commit = git(["--git-dir", gitDir, "rev-parse", `${STARTER_BRANCH}^{commit}`])
  const tar = path.join(path.dirname(target), "nextjs-starter.tar")
  git(["--git-dir", gitDir, "archive", "--output", tar, commit])
  fs.mkdirSync(target, { recursive: true })
  execFileSync("tar", ["-xf", tar, "-C", target], { stdio: ["ignore", "ignore", "pipe"] })
  fs.rmSync(tar, { force: true })
  return commit
}

function cloneFromGitHub(target: string): string {
  const clone = `${target}.clone`
  fs.rmSync(clone, { recursive: true, force: true })
  execFileSync("git", ["clone", "--quiet", "--depth", "1", "--branch", STARTER_BRANCH, STARTER_REPO_URL, clone], {
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 120_000,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  })
  const commit = git(["rev-parse", "HEAD"], clone)
  fs.cpSync(clone, target, { recursive: true, filter: (src) => path.basename(src) !== ".git" })
  fs.rmSync(clone, { recursive: true, force: true })
  return commit
}

/** Writes the starter's source into `target` (emptied first). Throws StarterSourceUnreachable. */
export function fetchStarterSource(target: string, env: NodeJS.ProcessEnv = process.env): StarterSource {
  const attempts: string[] = []
  const fresh = (): void => {
    fs.rmSync(target, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(target), { recursive: true })
  }
  const dir = env.NEXTJS_STARTER_DIR
  if (dir) {
    if (fs.existsSync(path.join(dir, "package.json"))) {
      fresh()
      return { from: `folder ${dir}`, commit: copyDirectory(dir, target) }
    }
    attempts.push(`NEXTJS_STARTER_DIR=${dir} has no package.json`)
  } else attempts.push("NEXTJS_STARTER_DIR unset")

  const gitDir = env.NEXTJS_STARTER_GIT ?? (fs.existsSync(DEFAULT_STARTER_GIT) ? DEFAULT_STARTER_GIT : undefined)
  if (gitDir) {
    try {
      fresh()
      return { from: `git archive ${STARTER_BRANCH} from ${gitDir}`, commit: archiveFromGit(gitDir, target) }
    } catch (err) {
      attempts.push(`git archive ${STARTER_BRANCH} from ${gitDir} failed (${firstLine(err)})`)
    }
  } else attempts.push(`NEXTJS_STARTER_GIT unset and no mirror at ${DEFAULT_STARTER_GIT}`)

  try {
    fresh()
    return { from: `git clone --branch ${STARTER_BRANCH} ${STARTER_REPO_URL}`, commit: cloneFromGitHub(target) }
  } catch (err) {
    attempts.push(`git clone --branch ${STARTER_BRANCH} ${STARTER_REPO_URL} failed (${firstLine(err)})`)
  }
  throw new StarterSourceUnreachable(attempts)
}
