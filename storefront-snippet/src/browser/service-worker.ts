/** Resolves once the registration has an active worker, which push subscriptions need. */
export function waitUntilActive(registration: ServiceWorkerRegistration): Promise<ServiceWorkerRegistration> {
  if (registration.active) return Promise.resolve(registration)
  return new Promise((resolve) => {
    const worker = registration.installing || registration.waiting
    if (!worker) return resolve(navigator.serviceWorker.ready)
    worker.addEventListener("statechange", () => {
      if (registration.active) resolve(registration)
    })
  })
}
