/** The proof's steps as they ran: each one ok, failed (with why) or skipped, timed, for the summary. */
export type StepStatus = "ok" | "failed" | "skipped"

export interface StepResult {
  name: string
  status: StepStatus
  seconds: number
  detail?: string
}

export class Steps {
  readonly results: StepResult[] = []
  readonly #started = Date.now()

  constructor(private readonly out: (line: string) => void) {}

  say(line: string): void {
    this.out(`[proof:nextjs ${((Date.now() - this.#started) / 1000).toFixed(1).padStart(6)}s] ${line}`)
  }

  /** Runs a step; a failure is recorded and thrown on, so the steps that need it do not run. */
  run = async <T>(name: string, work: () => Promise<T> | T, detail?: (value: T) => string): Promise<T> => {
    const started = Date.now()
    this.say(`… ${name}`)
    try {
      const value = await work()
      this.record({ name, status: "ok", seconds: (Date.now() - started) / 1000, detail: detail?.(value) })
      return value
    } catch (err) {
      this.record({ name, status: "failed", seconds: (Date.now() - started) / 1000, detail: (err as Error).message ?? String(err) })
      throw err
    }
  }

  record(result: StepResult): void {
    this.results.push(result)
    const extra = result.detail ? `: ${result.detail}` : ""
    this.say(
      `${result.status === "ok" ? "ok  " : result.status === "failed" ? "FAIL" : "skip"} ${result.name} (${result.seconds.toFixed(1)} s)${extra}`
    )
  }

  get failed(): boolean {
    return this.results.some((r) => r.status === "failed")
  }

  summary(facts: Array<[string, string]>): string {
    const width = Math.max(...facts.map(([k]) => k.length))
    const lines = ["", "==== proof:nextjs summary ====", ...facts.map(([k, v]) => `${k.padEnd(width)}  ${v}`), ""]
    for (const r of this.results) {
      const detail = r.status === "ok" ? "" : `\n        ${(r.detail ?? "").split("\n").join("\n        ")}`
      lines.push(`${r.status.padEnd(7)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.name}${detail}`)
    }
    lines.push("", this.failed ? "RESULT: FAILED" : "RESULT: ok", "")
    return lines.join("\n")
  }
}
