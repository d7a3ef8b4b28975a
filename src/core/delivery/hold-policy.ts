/**
 * Which deliveries wait for the reader's daytime (`delivery_window`, `held_categories`): the
 * dispatcher holds them as `scheduled` rows until the window opens (`delivery/delivery-window`).
 */
export interface HoldPolicy {
  readonly window: { readonly start: number; readonly end: number }
  readonly heldCategories: readonly string[]
}

/** Whether deliveries of this category wait for the reader's delivery window. */
export function isHeldCategory(category: string | null, policy: HoldPolicy): boolean {
  return category !== null && policy.heldCategories.includes(category)
}
