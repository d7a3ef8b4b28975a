import { pauseDurationMs, PauseRule, reasonLabel, shouldPause, signalOf } from "./outcome-signal"
import type { DeliveryOutcome } from "../transport/outcome"

/** What the gate reads of a push service's shared record (`push_service_health`) at the start of a run. */
export interface PausedOrigin {
  paused_until: Date
  /** Pauses in a row so far. */
  pauses: number
}

/** A failure that pauses an origin. */
export interface PauseCause {
  reason: string
  statusCode: number | null
  failures: number
}

/** Where pauses are shared between instances (the push-service health table). */
export interface PauseStore {
  /** Pauses `origin` for `durationMs` from `now` unless another instance did first; returns when the pause ends. */
  pause(origin: string, cause: PauseCause, durationMs: number, now: Date): Promise<Date>
  /** A send succeeded once the pause was over: the origin is healthy again. */
  recovered(origin: string, now: Date): Promise<void>
}

/** One origin's state during one send run. */
interface OriginState {
  /** Nothing is sent to it before this. */
  pausedUntil?: Date
  /** Pauses in a row so far (the next pause lasts longer). */
  pauses: number
  /** Its pause is over but it has not answered well since: one delivery goes first. */
  probation: boolean
  /** The probe under way: the other deliveries to this origin wait for it. */
  probe?: Promise<void>
  endProbe?: () => void
  pausing?: Promise<Date>
  total: number
  faults: number
  badRequests: number
  /** Push-service failures (and 400s) kept back until the run shows whether the service is failing for everyone. */
  held: Array<() => void>
  lastFault?: { reason: string; statusCode: number | null }
}

/** What the sender does with one delivery: send it, or keep it for the end of the pause. */
export type Admission = { send: true; probe: boolean } | { send: false; pausedUntil: Date }

/**
 * Decides, per push service (endpoint origin) and per send run, whether a delivery is sent, and
 * pauses an origin that fails for most devices (see `shouldPause`). Only devices that succeeded
 * before (`proven`) count and probe: a device that never succeeded (a browser subscribed with a
 * foreign key) proves nothing about the push service, and its outcome is stored as it is. While an
 * origin's pause may still be decided, its push-service failures and 400s are held back (their
 * leases stay renewed), so that those that led to a pause are stored as retries at the pause's
 * end, not as final failures or faults of the device.
 */
export class OriginGate {
  private readonly states = new Map<string, OriginState>()

  constructor(
    snapshot: ReadonlyMap<string, PausedOrigin>,
    private readonly rule: PauseRule,
    private readonly health: PauseStore,
    private readonly now: () => Date
  ) {
    for (const [origin, row] of snapshot) {
      this.states.set(origin, {
        pausedUntil: row.paused_until,
        pauses: row.pauses,
        probation: true,
        total: 0,
        faults: 0,
        badRequests: 0,
        held: [],
      })
    }
  }

  private state(origin: string): OriginState {
    let state = this.states.get(origin)
    if (!state) {
      state = { pauses: 0, probation: false, total: 0, faults: 0, badRequests: 0, held: [] }
      this.states.set(origin, state)
    }
    return state
  }

  /**
   * Whether to send a delivery to this origin now; after a pause, the first delivery to a device
   * that succeeded before is a probe the other such deliveries wait for. A device that never
   * succeeded is never the probe and never waits for one (its outcome decides nothing).
   */
  async admit(origin: string, proven: boolean): Promise<Admission> {
    const state = this.state(origin)
    for (;;) {
      if (state.pausing) await state.pausing
      if (state.pausedUntil && state.pausedUntil > this.now()) return { send: false, pausedUntil: state.pausedUntil }
      if (!state.probation || !proven) return { send: true, probe: false }
      if (!state.probe) {
        state.probe = new Promise<void>((resolve) => (state.endProbe = resolve))
        return { send: true, probe: true }
      }
      await state.probe
    }
  }

  /**
   * Takes one outcome of a send to this origin and says how to store it: `paused` (a retry at the
   * pause's end, not counted as an attempt) or as it is. `store` is called once, now or later
   * (held back), or at `flush()`.
   */
  async settle(
    origin: string,
    outcome: DeliveryOutcome,
    statusCode: number | undefined,
    probe: boolean,
    proven: boolean,
    store: (pausedUntil: Date | null) => void
  ): Promise<void> {
    const state = this.state(origin)
    if (!proven) {
      store(null) // its own outcome: counted, never held, never a reason to pause
      return
    }
    const signal = signalOf(outcome)
    const fault = signal === "push_service"
    const badRequest = signal === "device"
    if (fault) state.lastFault = { reason: outcome.kind === "delivered" ? "" : outcome.reason, statusCode: statusCode ?? null }
    if (probe) {
      try {
        if (fault) {
          store(await this.pause(origin, state, 1, "the probe after the pause failed"))
        } else {
          state.probation = false
          await this.health.recovered(origin, this.now())
          store(null)
        }
      } finally {
        this.endProbe(origin)
      }
      return
    }
    if (state.pausedUntil && state.pausedUntil > this.now()) {
      store(fault || badRequest ? state.pausedUntil : null)
      return
    }
    state.total += 1
    if (fault) state.faults += 1
    if (badRequest) state.badRequests += 1
    if (shouldPause(state, this.rule)) {
      const byBadRequests = state.faults < state.total * this.rule.faultShare
      if (byBadRequests) state.lastFault = { reason: "bad_request", statusCode: 400 }
      const failures = byBadRequests ? state.badRequests : state.faults
      const until = await this.pause(origin, state, failures, `${failures} of ${state.total} requests failed`)
      const held = state.held.splice(0)
      for (const release of held) release()
      store(fault || badRequest ? until : null)
      return
    }
    if ((fault || badRequest) && state.total < this.rule.minOutcomes) {
      state.held.push(() => store(state.pausedUntil && state.pausedUntil > this.now() ? state.pausedUntil : null))
      return
    }
    store(null)
    for (const release of state.held.splice(0)) release()
  }

  /** Lets the deliveries waiting for a probe go on (called again after `settle`, or when the probe's send threw). */
  endProbe(origin: string): void {
    const state = this.states.get(origin)
    if (!state?.endProbe) return
    const end = state.endProbe
    state.probe = undefined
    state.endProbe = undefined
    end()
  }

  /** The run is over: what was held back is stored as it came (no pause was decided). */
  flush(): void {
    for (const state of this.states.values()) for (const release of state.held.splice(0)) release()
  }

  private pause(origin: string, state: OriginState, failures: number, detail: string): Promise<Date> {
    if (!state.pausing) {
      const fault = state.lastFault ?? { reason: "push_service_error", statusCode: null }
      const code = fault.statusCode === null ? "" : ` HTTP ${fault.statusCode}`
      const reason = `${reasonLabel(fault.reason)}${code}: ${detail}`
      const durationMs = pauseDurationMs(state.pauses, this.rule)
      state.pausing = this.health
        .pause(origin, { reason, statusCode: fault.statusCode, failures }, durationMs, this.now())
        .then((until) => {
          state.pausedUntil = until
          state.pauses += 1
          state.probation = true
          return until
        })
        .finally(() => {
          state.pausing = undefined
        })
    }
    return state.pausing
  }
}
