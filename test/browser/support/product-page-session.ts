/**
 * What the Firefox product-page tests share: the local autopush-compatible push service, the
 * example storefront, a store with this plugin (its `storefront_url` the storefront), one sold-out
 * product, and Firefox ESR with a page open. `close()` stops them all.
 */
import type { Page } from "puppeteer-core"
import type { EntityManager } from "typeorm"
import type { WebPushPluginOptions } from "../../../src/core/options/plugin-options"
import { freePort } from "../../support/database"
import { CERT_DIR, startTestStore, type TestStore } from "../../support/environment"
import { createProduct } from "../../support/seed"
import { ensureTestCertificates } from "../../support/tls"
import { startAutopushServer, type AutopushServer } from "./autopush-server"
import { launchFirefox, type FirefoxSession } from "./firefox"
import { startStorefrontServer, type StorefrontServer } from "./storefront-server"

export interface ProductPageSession {
  push: AutopushServer
  storefront: StorefrontServer
  store: TestStore
  db: EntityManager
  firefox: FirefoxSession
  page: Page
  productId: string
  variantId: string
  /** The example product page for the variant, in the catalog's region. */
  productPageUrl: string
  close(): Promise<void>
}

export interface ProductPageOptions {
  /** The store's name (its database). */
  name: string
  product: { title: string; handle: string; variant: string }
  /** Extra plugin options; `backendUrl` may name the store's own URL, which is known only here. */
  pluginOptions?: (backendUrl: string) => Partial<WebPushPluginOptions>
}

export async function startProductPageSession(options: ProductPageOptions): Promise<ProductPageSession> {
  const { buildSnippet } = await import("../../../storefront-snippet/scripts/build.mjs")
  buildSnippet()
  const stops: Array<() => Promise<unknown>> = []
  const close = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
  }
  try {
    const push = await startAutopushServer(ensureTestCertificates(CERT_DIR))
    stops.push(() => push.close())
    const port = await freePort()
    const backendUrl = `http://127.0.0.1:${port}`
    const storefront = await startStorefrontServer({ backendUrl })
    stops.push(() => storefront.close())
    const store = await startTestStore(options.name, {
      port,
      storeCors: storefront.origin,
      pluginOptions: { storefront_url: storefront.origin, ...options.pluginOptions?.(backendUrl) },
    })
    stops.push(() => store.stop())
    const product = await createProduct(store.http, store.admin, {
      title: options.product.title,
      handle: options.product.handle,
      variants: [{ title: options.product.variant, eur: 3900, stock: 0 }],
    })
    const variantId = product.variantIds[options.product.variant]
    const firefox = await launchFirefox({ pushServerUrl: push.wsUrl })
    stops.push(() => firefox.close())
    const page = await firefox.browser.newPage()
    return {
      push,
      storefront,
      store,
      db: store.app.container.resolve<EntityManager>("manager"),
      firefox,
      page,
      productId: product.id,
      variantId,
      productPageUrl: `${storefront.origin}/product?variant_id=${variantId}&region_id=${store.catalog.regionId}`,
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}
