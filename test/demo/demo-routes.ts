import fs from "node:fs"
import path from "node:path"
import type { Express, Request, Response } from "express"
import type { HttpClient } from "../support/http"
import { Customer, PlacedOrder, placeOrder, shipOrder } from "../support/order-flow"
import { REPO_ROOT } from "../support/paths"
import type { Admin, Catalog } from "../support/seed"

const SNIPPET = path.join(REPO_ROOT, "dist", "storefront-snippet")

/**
 * The demo's storefront page on the store's own origin (`/demo/`): the page, the subscribe helper,
 * the service worker, an order page for notification clicks, and two buttons' worth of server
 * work (placing and shipping an order through Medusa's API, as the customer and an admin).
 */
export class DemoRoutes {
  private flows?: { http: HttpClient; catalog: Catalog; admin: Admin; customer: Customer }
  private lastOrder?: PlacedOrder

  use(http: HttpClient, catalog: Catalog, admin: Admin, customer: Customer): void {
    this.flows = { http, catalog, admin, customer }
  }

  mount(app: Express): void {
    const file = (name: string, type: string) => (_req: Request, res: Response) => {
      res.type(type).send(fs.readFileSync(name))
    }
    app.get(["/demo", "/demo/"], file(path.join(__dirname, "page.html"), "html"))
    app.get("/demo/medusa-web-push.mjs", file(path.join(SNIPPET, "index.mjs"), "text/javascript"))
    app.get("/demo/push-sw.js", file(path.join(SNIPPET, "push-sw.js"), "text/javascript"))
    app.get("/demo/order/confirmed/:id", (req, res) => {
      res
        .type("html")
        .send(
          `<!doctype html><meta charset="utf-8"><title>Order</title><p>Order page of <code>${String(req.params.id).replace(/[^\w]/g, "")}</code> (a real storefront shows the order here).</p>`
        )
    })
    app.post("/demo/api/order", (_req, res) => this.answer(res, () => this.order()))
    app.post("/demo/api/ship", (_req, res) => this.answer(res, () => this.ship()))
  }

  private async order(): Promise<{ display_id: number }> {
    const { http, catalog, customer } = this.ready()
    this.lastOrder = await placeOrder(http, catalog, customer)
    return { display_id: this.lastOrder.displayId }
  }

  private async ship(): Promise<{ display_id: number }> {
    const { http, admin } = this.ready()
    const order = this.lastOrder ?? (await this.order(), this.lastOrder)
    if (!order) throw new Error("no order to ship")
    this.lastOrder = undefined
    await shipOrder(http, admin, order.id, { trackingNumber: `DEMO-${Date.now()}` })
    return { display_id: order.displayId }
  }

  private ready(): NonNullable<DemoRoutes["flows"]> {
    if (!this.flows) throw new Error("the demo is still starting")
    return this.flows
  }

  private answer(res: Response, work: () => Promise<object>): void {
    work().then(
      (body) => res.json(body),
      (err: Error) => res.status(500).json({ message: err.message })
    )
  }
}
