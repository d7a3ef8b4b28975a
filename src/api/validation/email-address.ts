/**
 * The e-mail addresses the plugin accepts from visitors (contact messages). Strict on purpose:
 * the address ends up in the admin's `mailto:` reply link, where `?`, `&`, `=`, `%` or `#` would
 * add headers (a Bcc) or change the subject. Local part: letters, digits and `. _ + -` (dots only
 * between characters), at most 64; domain: dot-separated DNS labels with a letter-only top level;
 * at most 254 in all. Internationalised addresses are refused rather than guessed at.
 */
const LOCAL = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*$/
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/
const TOP_LEVEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/

export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false
  const at = value.indexOf("@")
  if (at < 1 || at !== value.lastIndexOf("@")) return false
  const local = value.slice(0, at)
  const labels = value.slice(at + 1).split(".")
  return (
    local.length <= 64 &&
    LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LEVEL.test(labels[labels.length - 1])
  )
}
