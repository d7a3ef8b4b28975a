const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/

/** `navigator.language` when the store accepts it as a language tag (`fr-CA`), else undefined. */
export function languageTag(): string | undefined {
  return LANGUAGE_TAG.test(navigator.language) ? navigator.language : undefined
}
