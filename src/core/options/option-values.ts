import { PluginOptionsError } from "../errors/plugin-errors"

/** A whole number from 1 to `max`, or `fallback` when the option is left out. */
export function positiveInteger(value: unknown, option: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new PluginOptionsError(option, `must be a whole number from 1 to ${max}`)
  }
  return value
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** Refuses any key of `value` not in `known`, naming it under `option`. */
export function refuseUnknownKeys(value: Record<string, unknown>, known: readonly string[], option: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new PluginOptionsError(`${option}.${key}`, `is not a setting here (use ${known.join(", ")})`)
  }
}
