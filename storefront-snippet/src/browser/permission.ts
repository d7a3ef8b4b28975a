/** Permission prompt; the callback form serves old Safari. Called before any await keeps the user gesture. */
export function requestPermission(): Promise<NotificationPermission> {
  return new Promise((resolve) => {
    const maybe = Notification.requestPermission(resolve)
    if (maybe) maybe.then(resolve, () => resolve(Notification.permission))
  })
}
