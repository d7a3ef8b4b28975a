import { InvalidRequestError } from "../../core/errors/api-errors"
import { BroadcastSegment, SEGMENT_KEYS, SEGMENT_LIST_MAX, SEGMENT_MAX_DAYS } from "../../core/delivery/segment"
import { locale, objectBody, onlyKnown } from "./fields"
import { MAX_YEAR, MIN_YEAR, parseInstant } from "./instant"

/** A Medusa id (`cgrp_01H...`, `reg_01H...`). */
const MEDUSA_ID = /^[A-Za-z0-9_]{1,80}$/

function list<T>(value: unknown, field: string, item: (v: unknown) => T | undefined, what: string): T[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0 || value.length > SEGMENT_LIST_MAX) {
    throw new InvalidRequestError(field, `${field} must be a list of 1 to ${SEGMENT_LIST_MAX} ${what}`)
  }
  const items = value.map((v) => {
    const parsed = item(v)
    if (parsed === undefined) throw new InvalidRequestError(field, `${field} must be a list of 1 to ${SEGMENT_LIST_MAX} ${what}`)
    return parsed
  })
  return [...new Set(items)]
}

function id(value: unknown): string | undefined {
  return typeof value === "string" && MEDUSA_ID.test(value) ? value : undefined
}

function since(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined
  // A day (`2026-01-01`, midnight UTC) or a date and time with its zone, one that exists.
  const at = typeof value === "string" ? parseInstant(value, { dayAlone: true }) : null
  if (!at) {
    throw new InvalidRequestError(
      field,
      `${field} must be a day ("2026-01-01", UTC) or a date and time with its zone, from ${MIN_YEAR} to ${MAX_YEAR}`
    )
  }
  return at.toISOString()
}

/**
 * A broadcast's `segment` (see `BroadcastSegment`): each key checked by name (`segment.region_ids`),
 * unknown keys refused; `null` when absent, null or without any key. Whether the ids exist is
 * checked against the store by the service.
 */
export function parseSegment(value: unknown, field = "segment"): BroadcastSegment | null {
  if (value === undefined || value === null) return null
  const body = objectBody(value, field)
  onlyKnown(body, SEGMENT_KEYS, `${field}.`)
  const days = body.ordered_within_days
  if (days !== undefined && (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > SEGMENT_MAX_DAYS)) {
    throw new InvalidRequestError(
      `${field}.ordered_within_days`,
      `${field}.ordered_within_days must be a whole number of days from 1 to ${SEGMENT_MAX_DAYS}`
    )
  }
  if (body.never_ordered !== undefined && body.never_ordered !== true) {
    throw new InvalidRequestError(`${field}.never_ordered`, `${field}.never_ordered must be true when given`)
  }
  if (body.never_ordered === true && days !== undefined) {
    throw new InvalidRequestError(`${field}.never_ordered`, `${field}.never_ordered cannot be combined with ${field}.ordered_within_days`)
  }
  const segment: BroadcastSegment = {
    customer_group_ids: list(body.customer_group_ids, `${field}.customer_group_ids`, id, "customer group ids"),
    region_ids: list(body.region_ids, `${field}.region_ids`, id, "region ids"),
    ordered_within_days: days as number | undefined,
    never_ordered: body.never_ordered === true ? true : undefined,
    locales: list(
      body.locales,
      `${field}.locales`,
      (v) => {
        try {
          return locale(v)
        } catch {
          return undefined
        }
      },
      'language tags such as "fr" or "fr-CA"'
    ),
    subscribed_since: since(body.subscribed_since, `${field}.subscribed_since`),
  }
  const present = Object.fromEntries(Object.entries(segment).filter(([, v]) => v !== undefined)) as BroadcastSegment
  return Object.keys(present).length ? present : null
}
