/**
 * The built-in notifications in the languages shipped with the plugin. English is the catalogue
 * itself (default-events.ts); these give title and body per event key (`order.placed:customer`,
 * see `eventKey`). Store owners add or change languages per event in the `events` option
 * (`locales`) or in the admin.
 */
import type { EventKey } from "../catalogue/event-types"

export type TranslatedText = { readonly title: string; readonly body: string }

export const SHIPPED_LOCALES = ["en", "fr", "de", "es"] as const

const T_FR = 'Suivi : {{shipment.tracking_numbers | "voir la page de votre commande"}}.'
const T_DE = 'Sendungsverfolgung: {{shipment.tracking_numbers | "siehe Ihre Bestellseite"}}.'
const T_ES = 'Seguimiento: {{shipment.tracking_numbers | "consulta la página de tu pedido"}}.'

export const TRANSLATIONS: Readonly<Record<string, Readonly<Partial<Record<EventKey, TranslatedText>>>>> = {
  fr: {
    "product_variant.back_in_stock:customer": {
      title: "Retour en stock : {{product.title}}",
      body: '{{variant.title | "Il"}} est de nouveau disponible. Commandez avant la rupture.',
    },
    "product_variant.price_drop:customer": {
      title: "Baisse de prix : {{product.title}}",
      body: "Maintenant {{price.current}} (au lieu de {{price.previous}}).",
    },
    "order.placed:customer": {
      title: "Commande n°{{order.display_id}} confirmée",
      body: "Merci {{customer.first_name}} ! Nous avons bien reçu votre commande de {{order.total}}.",
    },
    "order.shipment_created:customer": {
      title: "Commande n°{{order.display_id}} expédiée",
      body: `Votre commande est en route. ${T_FR}`,
    },
    "order.canceled:customer": {
      title: "Commande n°{{order.display_id}} annulée",
      body: "Bonjour {{customer.first_name}}, votre commande a été annulée. Contactez-nous si c'est inattendu.",
    },
    "order.refund_created:customer": {
      title: "Remboursement de la commande n°{{order.display_id}}",
      body: "Nous avons remboursé {{refund.amount}}. Il peut falloir quelques jours pour le voir sur votre relevé.",
    },
    "swap.shipment_created:customer": {
      title: "Votre échange pour la commande n°{{order.display_id}} est expédié",
      body: `Vos nouveaux articles sont en route. ${T_FR}`,
    },
    "claim.shipment_created:customer": {
      title: "Votre remplacement pour la commande n°{{order.display_id}} est expédié",
      body: `Vos articles de remplacement sont en route. ${T_FR}`,
    },
    "web_push.welcome:customer": {
      title: "Notifications activées",
      body: 'Merci {{customer.first_name | "pour votre inscription"}} ! Nous vous préviendrons dès que vos commandes avancent.',
    },
    "order.placed:admin": {
      title: "Nouvelle commande n°{{order.display_id}}",
      body: '{{order.total}} de {{customer.email | "un invité"}}',
    },
    "contact_message.created:admin": {
      title: 'Nouveau message de {{contact_message.name | "un visiteur"}}',
      body: '{{contact_message.subject | "Sans objet"}} : {{contact_message.excerpt}}',
    },
    "order.payment_capture_failed:admin": {
      title: "Échec de l'encaissement : commande n°{{order.display_id}}",
      body: "L'encaissement de {{order.total}} a échoué. Vérifiez le paiement avant d'expédier.",
    },
    "order.return_requested:admin": {
      title: "Retour demandé : commande n°{{order.display_id}}",
      body: '{{customer.email | "Un client"}} demande à retourner des articles de la commande n°{{order.display_id}}.',
    },
    "cart.abandoned:customer": {
      title: "Votre panier ({{cart.item_count}}) vous attend",
      body: 'Vous hésitez encore pour {{cart.first_item | "vos articles"}} ? Votre panier est gardé pour vous.',
    },
  },
  de: {
    "product_variant.back_in_stock:customer": {
      title: "Wieder da: {{product.title}}",
      body: '{{variant.title | "Der Artikel"}} ist wieder verfügbar. Sichern Sie sich Ihren, bevor er ausverkauft ist.',
    },
    "product_variant.price_drop:customer": {
      title: "Preissenkung: {{product.title}}",
      body: "Jetzt {{price.current}} (vorher {{price.previous}}).",
    },
    "order.placed:customer": {
      title: "Bestellung Nr. {{order.display_id}} bestätigt",
      body: "Danke, {{customer.first_name}}! Wir haben Ihre Bestellung über {{order.total}} erhalten.",
    },
    "order.shipment_created:customer": {
      title: "Bestellung Nr. {{order.display_id}} wurde versandt",
      body: `Ihre Bestellung ist unterwegs. ${T_DE}`,
    },
    "order.canceled:customer": {
      title: "Bestellung Nr. {{order.display_id}} storniert",
      body: "Hallo {{customer.first_name}}, Ihre Bestellung wurde storniert. Melden Sie sich, falls das unerwartet ist.",
    },
    "order.refund_created:customer": {
      title: "Erstattung für Bestellung Nr. {{order.display_id}}",
      body: "Wir haben {{refund.amount}} erstattet. Bis zur Gutschrift können einige Tage vergehen.",
    },
    "swap.shipment_created:customer": {
      title: "Ihr Umtausch zu Bestellung Nr. {{order.display_id}} wurde versandt",
      body: `Ihre neuen Artikel sind unterwegs. ${T_DE}`,
    },
    "claim.shipment_created:customer": {
      title: "Ihr Ersatz zu Bestellung Nr. {{order.display_id}} wurde versandt",
      body: `Ihre Ersatzartikel sind unterwegs. ${T_DE}`,
    },
    "web_push.welcome:customer": {
      title: "Benachrichtigungen sind an",
      body: 'Danke {{customer.first_name | "fürs Abonnieren"}}! Wir sagen Ihnen Bescheid, sobald sich bei Ihren Bestellungen etwas tut.',
    },
    "order.placed:admin": {
      title: "Neue Bestellung Nr. {{order.display_id}}",
      body: '{{order.total}} von {{customer.email | "einem Gast"}}',
    },
    "contact_message.created:admin": {
      title: 'Neue Nachricht von {{contact_message.name | "einem Besucher"}}',
      body: '{{contact_message.subject | "Kein Betreff"}}: {{contact_message.excerpt}}',
    },
    "order.payment_capture_failed:admin": {
      title: "Zahlungseinzug fehlgeschlagen: Bestellung Nr. {{order.display_id}}",
      body: "Der Einzug von {{order.total}} ist fehlgeschlagen. Prüfen Sie die Zahlung vor dem Versand.",
    },
    "order.return_requested:admin": {
      title: "Rücksendung angefragt: Bestellung Nr. {{order.display_id}}",
      body: '{{customer.email | "Ein Kunde"}} möchte Artikel aus Bestellung Nr. {{order.display_id}} zurücksenden.',
    },
    "cart.abandoned:customer": {
      title: "Ihr Warenkorb ({{cart.item_count}}) wartet",
      body: 'Noch unentschlossen bei {{cart.first_item | "Ihren Artikeln"}}? Ihr Warenkorb ist für Sie gespeichert.',
    },
  },
  es: {
    "product_variant.back_in_stock:customer": {
      title: "De nuevo en stock: {{product.title}}",
      body: '{{variant.title | "Ya"}} está disponible de nuevo. Consíguelo antes de que se agote.',
    },
    "product_variant.price_drop:customer": {
      title: "Bajada de precio: {{product.title}}",
      body: "Ahora {{price.current}} (antes {{price.previous}}).",
    },
    "order.placed:customer": {
      title: "Pedido n.º {{order.display_id}} confirmado",
      body: "¡Gracias, {{customer.first_name}}! Hemos recibido tu pedido de {{order.total}}.",
    },
    "order.shipment_created:customer": {
      title: "Pedido n.º {{order.display_id}} enviado",
      body: `Tu pedido está en camino. ${T_ES}`,
    },
    "order.canceled:customer": {
      title: "Pedido n.º {{order.display_id}} cancelado",
      body: "Hola {{customer.first_name}}, tu pedido ha sido cancelado. Escríbenos si no lo esperabas.",
    },
    "order.refund_created:customer": {
      title: "Reembolso del pedido n.º {{order.display_id}}",
      body: "Hemos reembolsado {{refund.amount}}. Puede tardar unos días en aparecer en tu extracto.",
    },
    "swap.shipment_created:customer": {
      title: "Tu cambio del pedido n.º {{order.display_id}} está en camino",
      body: `Tus nuevos artículos están en camino. ${T_ES}`,
    },
    "claim.shipment_created:customer": {
      title: "Tu reemplazo del pedido n.º {{order.display_id}} está en camino",
      body: `Tus artículos de reemplazo están en camino. ${T_ES}`,
    },
    "web_push.welcome:customer": {
      title: "Notificaciones activadas",
      body: '¡Gracias {{customer.first_name | "por suscribirte"}}! Te avisaremos cuando tus pedidos avancen.',
    },
    "order.placed:admin": {
      title: "Nuevo pedido n.º {{order.display_id}}",
      body: '{{order.total}} de {{customer.email | "un invitado"}}',
    },
    "contact_message.created:admin": {
      title: 'Nuevo mensaje de {{contact_message.name | "un visitante"}}',
      body: '{{contact_message.subject | "Sin asunto"}}: {{contact_message.excerpt}}',
    },
    "order.payment_capture_failed:admin": {
      title: "Fallo al capturar el pago: pedido n.º {{order.display_id}}",
      body: "No se pudo capturar {{order.total}}. Revisa el pago antes de enviar.",
    },
    "order.return_requested:admin": {
      title: "Devolución solicitada: pedido n.º {{order.display_id}}",
      body: '{{customer.email | "Un cliente"}} quiere devolver artículos del pedido n.º {{order.display_id}}.',
    },
    "cart.abandoned:customer": {
      title: "Tu carrito ({{cart.item_count}}) te espera",
      body: '¿Sigues pensando en {{cart.first_item | "tus artículos"}}? Tu carrito está guardado.',
    },
  },
}
