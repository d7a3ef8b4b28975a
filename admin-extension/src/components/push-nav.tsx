import { Link, useLocation } from "react-router-dom"

const TABS = [
  { to: "/a/web-push", label: "Delivery log" },
  { to: "/a/web-push/broadcast", label: "Broadcast" },
  { to: "/a/web-push/automations", label: "Automations" },
  { to: "/a/web-push/templates", label: "Templates" },
  { to: "/a/settings/web-push", label: "Settings" },
]

/** The tabs across the plugin's pages. */
export function PushNav() {
  const { pathname } = useLocation()
  const active = TABS.filter((t) => pathname.endsWith(t.to) || pathname.includes(`${t.to}/messages`)).pop()
  return (
    <nav className="flex gap-x-1 mb-4" aria-label="Web Push">
      {TABS.map((tab) => (
        <Link
          key={tab.to}
          to={tab.to}
          className={
            "txt-compact-small-plus rounded-md px-3 py-1.5 " +
            (active?.to === tab.to ? "bg-ui-bg-base shadow-buttons-neutral text-ui-fg-base" : "text-ui-fg-subtle hover:bg-ui-bg-base-hover")
          }
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  )
}
