/**
 * What this browser can do for push. Shared by the storefront helper and the plugin's admin
 * extension; read at call time, so it is safe to import where there is no `window` (SSR).
 */

import { windowPushManager } from "./push-subscription"

/** The first thing push needs that this browser lacks, or null when it has them all. */
export type MissingPushFeature = "window" | "secure_context" | "service_worker" | "push_manager" | "notification"

/** A browser with declarative push (`window.pushManager`, Safari 18.4+) needs no service worker. */
export function missingPushFeature(): MissingPushFeature | null {
  if (typeof window === "undefined") return "window"
  if (window.isSecureContext === false) return "secure_context"
  if (windowPushManager()) return "Notification" in window ? null : "notification"
  if (!("serviceWorker" in navigator)) return "service_worker"
  if (!("PushManager" in window)) return "push_manager"
  if (!("Notification" in window)) return "notification"
  return null
}

/**
 * iPhone and iPad: Safari offers push only to a web app added to the Home Screen and opened from
 * there (iOS 16.4+, with a web app manifest); in a browser tab the Push API is missing.
 */
export function needsHomeScreen(): boolean {
  if (typeof window === "undefined" || typeof navigator === "undefined") return false
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1)
  if (!ios) return false
  const standalone =
    (navigator as Navigator & { standalone?: boolean }).standalone === true ||
    (typeof window.matchMedia === "function" && window.matchMedia("(display-mode: standalone)").matches)
  return !standalone
}

/** Brave exposes `navigator.brave`; with push switched off its subscribe fails with an AbortError. */
export function isBrave(): boolean {
  return typeof navigator !== "undefined" && "brave" in navigator
}
