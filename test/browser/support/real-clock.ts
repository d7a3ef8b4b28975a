/**
 * The environment for a browser the suite starts: the same as the test's, without libfaketime.
 * CI runs some suites with the process clock at the other end of the day (`faketime`); a reader's
 * browser keeps its own clock, and Firefox does not start with libfaketime preloaded.
 */
export function realClockEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("FAKETIME") || key === "DONT_FAKE_MONOTONIC") continue
    if (key === "LD_PRELOAD") {
      const kept = (value ?? "").split(/[:\s]+/).filter((lib) => lib && !/libfaketime/.test(lib))
      if (kept.length) env[key] = kept.join(":")
      continue
    }
    env[key] = value
  }
  return env
}
