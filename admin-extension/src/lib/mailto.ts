/**
 * A `mailto:` link to reply to an address a visitor typed. Each part of the address is
 * percent-encoded, so nothing in it can add a header (`?bcc=`), a second recipient (`,`) or a
 * fragment, even for a message stored before the contact form's e-mail rule was strict.
 */
export function mailtoHref(address: string, subject?: string): string {
  const at = address.lastIndexOf("@")
  const encoded =
    at > 0 ? `${encodeURIComponent(address.slice(0, at))}@${encodeURIComponent(address.slice(at + 1))}` : encodeURIComponent(address)
  return subject === undefined ? `mailto:${encoded}` : `mailto:${encoded}?subject=${encodeURIComponent(subject)}`
}
