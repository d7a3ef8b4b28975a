/**
 * The event catalogue: which Medusa event notifies which audience, with what
 * default text. It is data (see `default-events.ts`), merged with the plugin's
 * `events` option by `buildEventRules`.
 */
import { DEFAULT_EVENTS } from './catalogue/default-events'
import type { CatalogueEntry } from './catalogue/event-types'

export type {
  Audience,
  Urgency,
  ResourceKind,
  TemplateFields,
  CatalogueEntry,
  EventRuleOverride,
  EventsOption,
  EventRule,
} from './catalogue/event-types'
export { AUDIENCES, URGENCIES, RESOURCE_KINDS, MAX_TTL_SECONDS } from './catalogue/event-types'
export { buildEventRules, eventNames } from './catalogue/event-rules'

export const EVENT_CATALOGUE: readonly CatalogueEntry[] = DEFAULT_EVENTS
