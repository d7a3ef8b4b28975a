/*
 * medusa-plugin-web-push service worker.
 *
 * Dependency free. Register it directly:
 *   navigator.serviceWorker.register('/push-sw.js?backend=https%3A%2F%2Fapi.store.com&pk=pk_...')
 * or pull it into an existing worker:
 *   self.MEDUSA_WEB_PUSH = { backendUrl: 'https://api.store.com', publishableApiKey: 'pk_...' }
 *   importScripts('/push-sw.js')
 *
 * Configuration (global first, then the worker URL's query string):
 *   backendUrl / ?backend=     Medusa backend origin; clicks and renewals are reported there
 *   publishableApiKey / ?pk=   sent as x-publishable-api-key
 *   fallbackTitle / ?title=    title of the generic notification shown for an unreadable payload
 *   fallbackUrl / ?url=        page opened by a click when the payload has no url (default: scope)
 *
 * Registered directly, the worker activates at once and claims open tabs (so a click can
 * navigate them); pulled in with importScripts it leaves the lifecycle to the host worker.
 */
/* eslint-env serviceworker */
;(function (sw) {
  "use strict"

  var SUBSCRIPTION_CACHE = "medusa-web-push"
  var SUBSCRIPTION_CACHE_PATH = "/__medusa-web-push/subscription"

  function readConfig() {
    var global = sw.MEDUSA_WEB_PUSH && typeof sw.MEDUSA_WEB_PUSH === "object" ? sw.MEDUSA_WEB_PUSH : {}
    var query = new URL(sw.location.href).searchParams
    var backend = String(global.backendUrl || query.get("backend") || "").replace(/\/+$/, "")
    return {
      backendUrl: backend,
      publishableApiKey: String(global.publishableApiKey || query.get("pk") || ""),
      fallbackTitle: String(global.fallbackTitle || query.get("title") || "New notification"),
      fallbackUrl: String(global.fallbackUrl || query.get("url") || ""),
    }
  }

  var config = readConfig()

  if (!sw.MEDUSA_WEB_PUSH) {
    sw.addEventListener("install", function () {
      sw.skipWaiting()
    })
    sw.addEventListener("activate", function (event) {
      event.waitUntil(sw.clients.claim())
    })
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value)
  }

  function text(value, max) {
    return typeof value === "string" ? value.slice(0, max) : undefined
  }

  /** An http(s) URL resolved against the worker's scope, or undefined. */
  function safeUrl(value) {
    if (typeof value !== "string" || value === "") return undefined
    try {
      var url = new URL(value, sw.registration.scope)
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined
    } catch (e) {
      return undefined
    }
  }

  /** The decrypted payload as an object, or null when it is absent or not JSON. */
  function readPayload(event) {
    if (!event.data) return null
    try {
      var parsed = event.data.json()
      return isObject(parsed) ? parsed : null
    } catch (e) {
      return null
    }
  }

  function scalarData(data) {
    var out = {}
    if (!isObject(data)) return out
    Object.keys(data).forEach(function (key) {
      var v = data[key]
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[key] = v
    })
    return out
  }

  var DIRECTIONS = ["auto", "ltr", "rtl"]

  /**
   * The message in one shape whichever the store sent: a Declarative Web Push message
   * ({ web_push: 8030, notification: { title, body, navigate, lang, dir, ... } }, which the
   * plugin sends beside its old fields) or the old fields alone ({ title, body, url, ... }).
   * `url` is where a click leads: the notification's `data.url`, else the old `url` field beside
   * it; a message that is not the plugin's (no click token) leads to its `navigate` link. The
   * plugin's `navigate` is its click-counting redirect, which the worker does not need: it opens
   * the page itself and reports the click.
   */
  function normalise(payload) {
    if (!payload || payload.web_push !== 8030 || !isObject(payload.notification)) return payload
    var n = payload.notification
    var data = isObject(n.data) ? n.data : {}
    var ours = typeof data.delivery_id === "string" && typeof data.click_token === "string"
    var url = typeof data.url === "string" ? data.url : typeof payload.url === "string" ? payload.url : undefined
    return {
      title: n.title,
      body: n.body,
      url: url || (ours ? undefined : n.navigate),
      lang: n.lang,
      dir: n.dir,
      silent: n.silent,
      icon: n.icon,
      badge: n.badge,
      image: n.image,
      tag: n.tag,
      renotify: n.renotify,
      timestamp: n.timestamp,
      data: data,
      actions: n.actions,
    }
  }

  function buildNotification(payload) {
    if (!payload || typeof payload.title !== "string" || payload.title === "") {
      return { title: config.fallbackTitle, options: { data: { url: safeUrl(config.fallbackUrl), generic: true } } }
    }
    var data = scalarData(payload.data)
    data.url = safeUrl(payload.url) || safeUrl(config.fallbackUrl)
    var options = { body: text(payload.body, 1000) || "", data: data }
    ;["icon", "badge", "image"].forEach(function (key) {
      var url = safeUrl(payload[key])
      if (url) options[key] = url
    })
    var lang = text(payload.lang, 35)
    if (lang) options.lang = lang
    if (DIRECTIONS.indexOf(payload.dir) >= 0) options.dir = payload.dir
    if (payload.silent === true) options.silent = true
    var tag = text(payload.tag, 200)
    if (tag) {
      options.tag = tag
      options.renotify = payload.renotify === true
    }
    if (typeof payload.timestamp === "number" && isFinite(payload.timestamp)) options.timestamp = payload.timestamp
    if (Array.isArray(payload.actions)) {
      var actionUrls = {}
      options.actions = payload.actions
        .filter(function (a) {
          return isObject(a) && typeof a.action === "string" && typeof a.title === "string"
        })
        .slice(0, 4)
        .map(function (a) {
          var url = safeUrl(a.url || a.navigate)
          if (url) actionUrls[a.action] = url
          return { action: a.action, title: a.title }
        })
      data.action_urls = actionUrls
    }
    return { title: payload.title.slice(0, 200), options: options }
  }

  function show(notification) {
    return sw.registration.showNotification(notification.title, notification.options).catch(function () {
      // An option the browser refuses (an icon it cannot load, actions it does not know)
      // must not cost the user the message: retry with the text alone.
      var o = notification.options
      return sw.registration.showNotification(notification.title, { body: o.body, lang: o.lang, dir: o.dir, data: o.data })
    })
  }

  sw.addEventListener("push", function (event) {
    var notification
    try {
      notification = buildNotification(normalise(readPayload(event)))
    } catch (e) {
      notification = buildNotification(null)
    }
    event.waitUntil(
      quietIfRepeat(notification)
        .then(show)
        .catch(function () {})
    )
  })

  // The backend sends at least once: after a crash it may repeat a message that was in flight.
  // A repeat replaces the notification already shown under the same tag without a new alert, so
  // each message is seen once.
  function quietIfRepeat(notification) {
    var o = notification.options
    var id = o.data && o.data.message_id
    if (!o.renotify || !id || typeof sw.registration.getNotifications !== "function") return Promise.resolve(notification)
    var check = sw.registration.getNotifications({ tag: o.tag }).then(function (shown) {
      if (
        shown.some(function (n) {
          return n.data && n.data.message_id === id
        })
      )
        o.renotify = false
      return notification
    })
    // Showing the message matters more than knowing it is a repeat: never wait long for the check.
    var timeout = new Promise(function (resolve) {
      setTimeout(function () {
        resolve(notification)
      }, 500)
    })
    return Promise.race([check, timeout]).catch(function () {
      return notification
    })
  }

  function postJson(path, body) {
    if (!config.backendUrl) return Promise.resolve(null)
    var headers = { "content-type": "application/json" }
    if (config.publishableApiKey) headers["x-publishable-api-key"] = config.publishableApiKey
    return fetch(config.backendUrl + path, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body),
      credentials: "omit",
      keepalive: true,
    })
  }

  function openOrFocus(url) {
    var target = new URL(url)
    return sw.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
      var sameOrigin = clients.filter(function (c) {
        return new URL(c.url).origin === target.origin
      })
      var exact = sameOrigin.filter(function (c) {
        return c.url === target.href
      })[0]
      if (exact) return exact.focus()
      var tab =
        sameOrigin.filter(function (c) {
          return c.focused
        })[0] || sameOrigin[0]
      if (!tab || typeof tab.navigate !== "function") return sw.clients.openWindow(target.href)
      // navigate() only works on a tab this worker controls; otherwise open a new one.
      return tab
        .focus()
        .then(function (focused) {
          return (focused || tab).navigate(target.href)
        })
        .then(function (navigated) {
          return navigated || sw.clients.openWindow(target.href)
        })
        .catch(function () {
          return sw.clients.openWindow(target.href)
        })
    })
  }

  sw.addEventListener("notificationclick", function (event) {
    var notification = event.notification
    var data = isObject(notification.data) ? notification.data : {}
    notification.close()
    var actionUrls = isObject(data.action_urls) ? data.action_urls : {}
    var url = (event.action && actionUrls[event.action]) || data.url || safeUrl(config.fallbackUrl) || sw.registration.scope
    var work = [openOrFocus(url).catch(function () {})]
    // The click token proves the report comes from the notification itself, not from someone who
    // only knows its delivery id.
    if (typeof data.delivery_id === "string" && data.delivery_id !== "" && typeof data.click_token === "string") {
      var report = { delivery_id: data.delivery_id, click_token: data.click_token }
      if (event.action) report.action = event.action
      work.push(postJson("/store/push/clicks", report).catch(function () {}))
    }
    event.waitUntil(Promise.all(work))
  })

  function toBase64Url(buffer) {
    var bytes = new Uint8Array(buffer)
    var binary = ""
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i])
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
  }

  function fromBase64Url(value) {
    var b64 = value.replace(/-/g, "+").replace(/_/g, "/")
    var binary = atob(b64 + "====".slice(0, (4 - (b64.length % 4)) % 4))
    var bytes = new Uint8Array(binary.length)
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return bytes
  }

  /** The proof of the old subscription: from the event, else what the subscribe helper saved. */
  function previousProof(oldSubscription) {
    if (oldSubscription && typeof oldSubscription.getKey === "function" && oldSubscription.getKey("auth")) {
      return Promise.resolve({ endpoint: oldSubscription.endpoint, auth: toBase64Url(oldSubscription.getKey("auth")) })
    }
    if (!sw.caches) return Promise.resolve(null)
    return sw.caches
      .open(SUBSCRIPTION_CACHE)
      .then(function (cache) {
        return cache.match(SUBSCRIPTION_CACHE_PATH)
      })
      .then(function (res) {
        return res ? res.json() : null
      })
      .catch(function () {
        return null
      })
  }

  function applicationServerKey(oldSubscription) {
    var key = oldSubscription && oldSubscription.options && oldSubscription.options.applicationServerKey
    if (key) return Promise.resolve(key)
    if (!config.backendUrl) return Promise.reject(new Error("no backend configured"))
    var headers = config.publishableApiKey ? { "x-publishable-api-key": config.publishableApiKey } : {}
    return fetch(config.backendUrl + "/store/push/vapid-public-key", { headers: headers, credentials: "omit" })
      .then(function (res) {
        return res.json()
      })
      .then(function (body) {
        return fromBase64Url(body.public_key)
      })
  }

  function renew(oldSubscription, newSubscription) {
    var next = newSubscription
      ? Promise.resolve(newSubscription)
      : applicationServerKey(oldSubscription).then(function (key) {
          return sw.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
        })
    return Promise.all([next, previousProof(oldSubscription)]).then(function (both) {
      var json = both[0].toJSON()
      return postJson("/store/push/subscriptions/renew", { previous: both[1] || undefined, subscription: json }).then(function () {
        return sw.caches
          ? sw.caches.open(SUBSCRIPTION_CACHE).then(function (cache) {
              var proof = { endpoint: json.endpoint, auth: json.keys && json.keys.auth }
              return cache.put(SUBSCRIPTION_CACHE_PATH, new Response(JSON.stringify(proof)))
            })
          : null
      })
    })
  }

  sw.addEventListener("pushsubscriptionchange", function (event) {
    event.waitUntil(renew(event.oldSubscription, event.newSubscription).catch(function () {}))
  })
})(self)
