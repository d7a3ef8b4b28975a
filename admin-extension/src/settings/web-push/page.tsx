import type { SettingConfig, SettingProps } from "@medusajs/admin"
import { BellAlert } from "@medusajs/icons"
import { Badge, Button, Checkbox, Container, Heading, Label, Table, Text } from "@medusajs/ui"
import { useAdminCustomQuery, useAdminGetSession } from "medusa-react"
import { useEffect, useState } from "react"
import { AttributionOverview } from "../../components/attribution"
import { InboundSources } from "../../components/inbound-sources"
import { PushNav } from "../../components/push-nav"
import { errorMessage, errorStatus, keys, useAdminAction } from "../../lib/api"
import { deviceState, disablePush, DeviceState, enablePush, storedDeviceId } from "../../lib/device"
import { dateTime, eventLabel, percent } from "../../lib/format"
import type { Device, Preferences, PushConfig, PushMessage, PushStats } from "../../lib/types"

function Stat({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div className="rounded-lg border border-ui-border-base p-4">
      <Text size="small" className="text-ui-fg-subtle">
        {label}
      </Text>
      <Text size="xlarge" weight="plus" data-testid={testId}>
        {value}
      </Text>
    </div>
  )
}

function ConfigSection({ config, stats }: { config?: PushConfig; stats?: PushStats }) {
  return (
    <Container className="flex flex-col gap-y-4">
      <div className="flex items-center justify-between">
        <Heading level="h2">Status</Heading>
        {config &&
          (config.configured ? (
            <Badge color="green" data-testid="push-configured">
              Configured
            </Badge>
          ) : (
            <Badge color="red" data-testid="push-configured">
              Not configured
            </Badge>
          ))}
      </div>
      {config && !config.configured && <Text className="text-ui-fg-error">{config.error}</Text>}
      {config?.paused_push_services?.map((paused) => (
        <Text key={paused.host} className="text-ui-fg-error" data-testid="push-service-paused">
          Push service {paused.host} paused until {new Date(paused.paused_until).toLocaleString()}: {paused.reason}
        </Text>
      ))}
      {config?.configured && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 txt-small">
          <dt className="text-ui-fg-subtle">VAPID public key</dt>
          <dd className="font-mono truncate" title={config.vapid_public_key}>
            {config.vapid_public_key}
          </dd>
          <dt className="text-ui-fg-subtle">Subject</dt>
          <dd>{config.vapid_subject}</dd>
          <dt className="text-ui-fg-subtle">Storefront URL</dt>
          <dd>{config.storefront_url}</dd>
          <dt className="text-ui-fg-subtle">Admin URL</dt>
          <dd>{config.admin_url}</dd>
          <dt className="text-ui-fg-subtle">Backend URL</dt>
          <dd data-testid="backend-url">
            {config.backend_url ?? (
              <span className="text-ui-fg-subtle">
                not set: taps on notifications that Safari shows by itself are not counted (set the backend_url option)
              </span>
            )}
          </dd>
        </dl>
      )}
      {stats && (
        <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
          <Stat label="Customer devices" value={stats.customer_devices} testId="stat-customer-devices" />
          <Stat label="Admin devices" value={stats.admin_devices} testId="stat-admin-devices" />
          <Stat label="Messages today" value={stats.messages_today} testId="stat-messages-today" />
          <Stat label="Delivery rate (14 days)" value={percent(stats.delivery_rate)} testId="stat-delivery-rate" />
        </div>
      )}
    </Container>
  )
}

function ThisDevice({ config, notify, userId }: { config?: PushConfig; notify: SettingProps["notify"]; userId?: string }) {
  const [state, setState] = useState<DeviceState | undefined>()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<string | undefined>()
  const save = useAdminAction<{ subscription: Device }>("post")
  const remove = useAdminAction<unknown>("delete")
  const test = useAdminAction<{ message: PushMessage }>("post")
  const devices = useAdminCustomQuery<{ user_id?: string }, { subscriptions: Device[] }>(
    "/push/subscriptions",
    keys.devices({ user_id: userId }),
    { user_id: userId },
    { enabled: !!userId }
  )
  const thisId = state?.kind === "on" ? state.deviceId : storedDeviceId()

  useEffect(() => {
    deviceState().then(setState, () => setState({ kind: "off" }))
  }, [])

  async function enable() {
    if (!config) return
    setBusy(true)
    try {
      await enablePush(config, async (body) => (await save.run("/push/subscriptions", { ...body })).subscription)
      setState(await deviceState())
      notify.success("Push enabled", "This browser now receives store alerts")
    } catch (err) {
      notify.error("Push could not be enabled", errorMessage(err))
      setState(await deviceState().catch(() => undefined))
    } finally {
      setBusy(false)
    }
  }

  async function disable() {
    setBusy(true)
    try {
      await disablePush((id) => remove.run(`/push/subscriptions/${id}`))
      setState(await deviceState())
      notify.success("Push disabled", "This browser no longer receives store alerts")
    } finally {
      setBusy(false)
    }
  }

  async function sendTest() {
    setResult(undefined)
    try {
      const { message } = await test.run("/push/test")
      setResult(
        `Sent to ${message.target_count} device${message.target_count === 1 ? "" : "s"}: ${message.delivered_count} delivered, ${message.failed_count} failed, ${message.gone_count} gone`
      )
    } catch (err) {
      notify.error("Test not sent", errorMessage(err))
    }
  }

  const list = devices.data?.subscriptions ?? []
  return (
    <Container className="flex flex-col gap-y-4">
      <div>
        <Heading level="h2">This device</Heading>
        <Text className="text-ui-fg-subtle">
          Store alerts (new orders, contact messages, failed payments, returns) arrive on every device where you enable push.
        </Text>
      </div>
      <div className="flex items-center gap-x-2" data-testid="device-state" data-state={state?.kind ?? "loading"}>
        {state?.kind === "unsupported" && <Text className="text-ui-fg-error">{state.reason}</Text>}
        {state?.kind === "blocked" && (
          <Text className="text-ui-fg-error">Notifications are blocked for this site; allow them in the browser's site settings.</Text>
        )}
        {(state?.kind === "off" || state?.kind === "blocked") && (
          <Button variant="primary" onClick={enable} isLoading={busy} disabled={!config?.configured} data-testid="enable-push">
            Enable push on this device
          </Button>
        )}
        {state?.kind === "on" && (
          <>
            <Badge color="green">Push is on for this browser</Badge>
            <Button variant="secondary" onClick={disable} isLoading={busy} data-testid="disable-push">
              Disable on this device
            </Button>
          </>
        )}
        <Button variant="secondary" onClick={sendTest} isLoading={test.pending} disabled={!list.length} data-testid="send-test">
          Send test notification
        </Button>
      </div>
      {result && (
        <Text data-testid="test-result" className="text-ui-fg-subtle">
          {result}
        </Text>
      )}
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Your devices</Table.HeaderCell>
            <Table.HeaderCell>Push service</Table.HeaderCell>
            <Table.HeaderCell>Added</Table.HeaderCell>
            <Table.HeaderCell>Last delivery</Table.HeaderCell>
            <Table.HeaderCell />
          </Table.Row>
        </Table.Header>
        <Table.Body data-testid="my-devices">
          {list.map((d) => (
            <Table.Row key={d.id} data-device-id={d.id}>
              <Table.Cell>
                {d.user_agent ?? "Unknown browser"} {d.id === thisId && <Badge size="small">this browser</Badge>}
              </Table.Cell>
              <Table.Cell>{d.push_service}</Table.Cell>
              <Table.Cell>{dateTime(d.created_at)}</Table.Cell>
              <Table.Cell>{dateTime(d.last_success_at)}</Table.Cell>
              <Table.Cell className="text-right">
                <Button
                  variant="transparent"
                  size="small"
                  onClick={() => remove.run(`/push/subscriptions/${d.id}`).catch((e) => notify.error("Not removed", errorMessage(e)))}
                >
                  Remove
                </Button>
              </Table.Cell>
            </Table.Row>
          ))}
          {!list.length && (
            <Table.Row>
              <Table.Cell className="text-ui-fg-subtle">No device of yours receives alerts yet.</Table.Cell>
            </Table.Row>
          )}
        </Table.Body>
      </Table>
    </Container>
  )
}

function AlertPreferences({ notify }: { notify: SettingProps["notify"] }) {
  const prefs = useAdminCustomQuery<Record<string, never>, Preferences>("/push/preferences", keys.preferences)
  const save = useAdminAction<Preferences>("post")
  const [chosen, setChosen] = useState<string[] | undefined>()
  useEffect(() => {
    if (prefs.data) setChosen(prefs.data.events)
  }, [prefs.data])
  if (prefs.isError) {
    return (
      <Container>
        <Heading level="h2">Alert me about</Heading>
        <Text className="text-ui-fg-subtle">
          {errorStatus(prefs.error) === 404
            ? "Per-admin alert choices are not available in this version of the plugin."
            : errorMessage(prefs.error)}
        </Text>
      </Container>
    )
  }
  const available = prefs.data?.available ?? []
  const toggle = (event: string, on: boolean) =>
    setChosen((current) => (on ? [...new Set([...(current ?? []), event])] : (current ?? []).filter((e) => e !== event)))
  return (
    <Container className="flex flex-col gap-y-4">
      <div>
        <Heading level="h2">Alert me about</Heading>
        <Text className="text-ui-fg-subtle">Which store events alert you, on all your devices.</Text>
      </div>
      <div className="flex flex-col gap-y-2" data-testid="alert-preferences">
        {available.map((a) => (
          <div key={a.event} className="flex items-center gap-x-2">
            <Checkbox
              id={`pref-${a.event}`}
              checked={chosen?.includes(a.event) ?? false}
              onCheckedChange={(v) => toggle(a.event, v === true)}
            />
            <Label htmlFor={`pref-${a.event}`}>{eventLabel(a.event)}</Label>
          </div>
        ))}
      </div>
      <div>
        <Button
          variant="secondary"
          isLoading={save.pending}
          onClick={() =>
            save
              .run("/push/preferences", { events: chosen ?? [] })
              .then(() => notify.success("Saved", "Your alert choices are saved"))
              .catch((e) => notify.error("Not saved", errorMessage(e)))
          }
        >
          Save alert choices
        </Button>
      </div>
    </Container>
  )
}

const WebPushSettings = ({ notify }: SettingProps) => {
  const config = useAdminCustomQuery<Record<string, never>, { config: PushConfig }>("/push/config", keys.config)
  const stats = useAdminCustomQuery<Record<string, never>, { stats: PushStats }>("/push/stats", keys.stats)
  const { user } = useAdminGetSession()
  return (
    <div className="flex flex-col gap-y-4" data-testid="web-push-settings">
      <PushNav />
      <div>
        <Heading level="h1">Web Push</Heading>
        <Text className="text-ui-fg-subtle">Push notifications for customers and for store staff.</Text>
      </div>
      <ConfigSection config={config.data?.config} stats={stats.data?.stats} />
      {stats.data && <AttributionOverview figures={stats.data.stats.attribution} chart={false} />}
      <ThisDevice config={config.data?.config} notify={notify} userId={user?.id} />
      <AlertPreferences notify={notify} />
      <InboundSources notify={notify} />
    </div>
  )
}

export const config: SettingConfig = {
  card: {
    label: "Web Push",
    description: "Push notifications: status, your devices, test, alerts, inbound alerts",
    icon: BellAlert,
  },
}

export default WebPushSettings
