/**
 * The storefront snippet in a real Firefox ESR: the example page subscribes through the helper
 * against a local autopush-compatible push service, a real encrypted Web Push (web-push, VAPID)
 * is decrypted by Firefox and shown by push-sw.js, a click on the shown alert opens the order
 * page and is reported to the backend, and unsubscribing removes the backend row.
 *
 * BACKEND: `startStandInBackend` stands in for the Medusa app with this plugin (the four store
 * push routes). To run against the real app, start it in `before` instead, point the storefront
 * server at its URL, and replace `sendPush` with shipping an order through Medusa's API.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'puppeteer-core'
import webpush from 'web-push'
import { startAutopushServer, type AutopushServer } from './support/autopush-server'
import { browserAvailability } from './support/browser-availability'
import { FIREFOX_PATH, launchFirefox, type FirefoxSession } from './support/firefox'
import { closeNotifications, waitForNotifications } from './support/notifications'
import { startStandInBackend, type StandInBackend, type StoredSubscription } from './support/stand-in-backend'
import { startStorefrontServer, type StorefrontServer } from './support/storefront-server'
import { TMP_DIR } from '../support/paths'
import { ensureTestCertificates } from '../support/tls'

const availability = browserAvailability('Firefox ESR', FIREFOX_PATH, 'firefox-esr')

describe('storefront snippet in Firefox ESR with a local push service', { skip: availability.run ? false : availability.skip, timeout: 90_000 }, () => {
  let push: AutopushServer
  let backend: StandInBackend
  let storefront: StorefrontServer
  let firefox: FirefoxSession
  let page: Page
  let agent: Agent

  before(async () => {
    const { buildSnippet } = await import('../../storefront-snippet/scripts/build.mjs')
    buildSnippet()
    // the suite's CA (test/run.ts hands it to the Medusa app as NODE_EXTRA_CA_CERTS)
    const certs = ensureTestCertificates(join(TMP_DIR, 'certs'))
    agent = new Agent({ ca: readFileSync(certs.caPath) })
    push = await startAutopushServer(certs)
    let origin = ''
    backend = await startStandInBackend({ storefrontOrigin: () => origin })
    storefront = await startStorefrontServer({ backendUrl: backend.url, publishableApiKey: 'pk_test_storefront' })
    origin = storefront.origin
    firefox = await launchFirefox({ pushServerUrl: push.wsUrl })
    page = await firefox.browser.newPage()
  })

  after(async () => {
    await firefox?.close()
    await Promise.all([push?.close(), backend?.close(), storefront?.close()])
    agent?.destroy()
  })

  /** Sends a real Web Push to the subscription and resolves once Firefox acked it (100 = delivered). */
  async function sendPush(subscription: StoredSubscription, payload: string): Promise<number> {
    const res = await webpush.sendNotification(subscription, payload, {
      vapidDetails: { subject: 'mailto:ops@example.com', publicKey: backend.vapid.publicKey, privateKey: backend.vapid.privateKey },
      TTL: 60,
      agent,
    })
    assert.equal(res.statusCode, 201)
    const version = String(res.headers.location).split('/m/')[1]
    return (await push.waitForAck(version)).code
  }

  function onlySubscription(): StoredSubscription {
    const rows = [...backend.subscriptions.values()]
    assert.equal(rows.length, 1, `expected one subscription at the backend, got ${rows.length}`)
    return rows[0]
  }

  async function statusText(): Promise<string> {
    return page.$eval('#status', (e) => e.textContent ?? '')
  }

  it('subscribes from a click and registers the subscription at the backend', async () => {
    await page.goto(`${storefront.origin}/`)
    await page.waitForSelector('#subscribe:not([hidden])')
    assert.equal(push.channels.size, 0, 'nothing is subscribed on page load')
    await page.click('#subscribe')
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'subscribed', { timeout: 20_000 })
    const row = onlySubscription()
    assert.match(row.endpoint, new RegExp(`^${push.endpointOrigin}/wpush/`))
    assert.equal(Buffer.from(row.keys.p256dh, 'base64url').length, 65)
    assert.equal(Buffer.from(row.keys.auth, 'base64url').length, 16)
    assert.deepEqual(row.categories, ['orders'])
    assert.equal(row.publishableApiKey, 'pk_test_storefront')
    assert.ok(row.locale)
  })

  it('shows a pushed message that Firefox decrypted', async () => {
    const payload = {
      title: 'Your order has shipped',
      body: 'Order #1001 is on its way',
      url: `${storefront.origin}/order/order_1001`,
      tag: 'order_1001',
      renotify: true,
      timestamp: Date.now(),
      data: { delivery_id: 'pushdel_1', message_id: 'pushmsg_1' },
    }
    assert.equal(await sendPush(onlySubscription(), JSON.stringify(payload)), 100)
    const [shown] = await waitForNotifications(page, 1)
    assert.equal(shown.title, payload.title)
    assert.equal(shown.body, payload.body)
    assert.equal(shown.tag, 'order_1001')
    assert.deepEqual(shown.data, { delivery_id: 'pushdel_1', message_id: 'pushmsg_1', url: payload.url })
  })

  it('opens the order page on click and reports the click to the backend', async () => {
    const clicked = await firefox.evaluateInChrome<string>(`
      const alert = Services.wm.getMostRecentWindow('alert:alert')
      if (!alert) return 'no alert window'
      alert.document.getElementById('alertBox').click()
      return 'clicked'`)
    assert.equal(clicked, 'clicked')
    assert.deepEqual(await backend.waitForClick(), { delivery_id: 'pushdel_1' })
    await page.waitForFunction((url: string) => location.href === url, { timeout: 10_000 }, `${storefront.origin}/order/order_1001`)
    assert.deepEqual(await waitForNotifications(page, 0), [], 'the clicked notification is closed')
  })

  it('shows a generic notification for a payload that is not JSON', async () => {
    await page.goto(`${storefront.origin}/`)
    assert.equal(await sendPush(onlySubscription(), '{"title": broken'), 100)
    const [shown] = await waitForNotifications(page, 1)
    assert.equal(shown.title, 'New notification')
    assert.equal(shown.body, '')
    await closeNotifications(page)
  })

  it('unsubscribes at the browser, the push service and the backend', async () => {
    await page.waitForSelector('#unsubscribe:not([hidden])')
    await page.click('#unsubscribe')
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('not subscribed'))
    assert.equal(backend.subscriptions.size, 0)
    assert.equal(push.channels.size, 0)
  })

  it('lets a guest opt in on the order confirmation page with the cart id', async () => {
    await page.goto(`${storefront.origin}/?cart_id=cart_guest_1`)
    await page.waitForSelector('#guest-subscribe:not([hidden])')
    await page.click('#guest-subscribe')
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'subscribed', { timeout: 20_000 })
    assert.equal(onlySubscription().cart_id, 'cart_guest_1')
    assert.equal(await statusText(), 'subscribed')
  })

  it('renews the subscription at the backend when the push service drops it (pushsubscriptionchange)', async () => {
    const old = onlySubscription()
    push.forgetClients()
    const deadline = Date.now() + 20_000
    while (backend.renewals.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    assert.equal(backend.renewals.length, 1, 'the service worker posted to /store/push/subscriptions/renew')
    assert.deepEqual(backend.renewals[0].previous, { endpoint: old.endpoint, auth: old.keys.auth })
    const renewed = onlySubscription()
    assert.notEqual(renewed.endpoint, old.endpoint)
    assert.equal(renewed.cart_id, 'cart_guest_1')
    await assert.rejects(
      webpush.sendNotification(old, 'gone', { vapidDetails: { subject: 'mailto:ops@example.com', publicKey: backend.vapid.publicKey, privateKey: backend.vapid.privateKey }, agent }),
      (e: { statusCode?: number }) => e.statusCode === 410
    )
    assert.equal(await sendPush(renewed, JSON.stringify({ title: 'Still here', body: 'after renewal', timestamp: Date.now() })), 100)
    const [shown] = await waitForNotifications(page, 1)
    assert.equal(shown.title, 'Still here')
  })
})
