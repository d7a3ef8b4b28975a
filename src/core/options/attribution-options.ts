import { PluginOptionsError } from "../errors/plugin-errors"

/** The revenue-attribution option (`attribution_window_hours`), beside the plugin's other options. */
export interface AttributionOptions {
  /**
   * An order is credited to the last notification its customer (or the device that registered its
   * cart) clicked within this many hours before the order was placed. `0` turns attribution off.
   * @defaultValue 72
   */
  attribution_window_hours?: number
}

/** Longest window accepted: 90 days. */
export const MAX_ATTRIBUTION_WINDOW_HOURS = 24 * 90

/** `attribution_window_hours`, validated: a whole number of hours from 0 (off) to 90 days. */
export function attributionWindowHours(value: unknown): number {
  if (value === undefined) return 72
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_ATTRIBUTION_WINDOW_HOURS) {
    throw new PluginOptionsError(
      "attribution_window_hours",
      `must be a whole number of hours from 0 (attribution off) to ${MAX_ATTRIBUTION_WINDOW_HOURS}`
    )
  }
  return value
}
