// The merchant-facing strings, in Spanish and English. A plain dictionary: the app has a handful
// of pages, so a library (and its runtime) would cost more than it saves.
export type Locale = "es" | "en";
export const LOCALES: readonly Locale[] = ["es", "en"];
export const DEFAULT_LOCALE: Locale = "es";

const es = {
  "nav.home": "Panel",
  "nav.hubspot": "HubSpot",
  "nav.claims": "Reclamaciones",

  "claims.title": "Reclamaciones de garantía",
  "claims.tab.open": "Abiertas",
  "claims.tab.submitted": "Enviadas",
  "claims.tab.in_review": "En revisión",
  "claims.tab.approved": "Aprobadas",
  "claims.tab.rejected": "Rechazadas",
  "claims.tab.resolved": "Resueltas",
  "claims.tab.all": "Todas",
  "claims.status.submitted": "Enviada",
  "claims.status.in_review": "En revisión",
  "claims.status.approved": "Aprobada",
  "claims.status.rejected": "Rechazada",
  "claims.status.resolved": "Resuelta",
  "claims.state.submitted": "enviada, sin revisar",
  "claims.state.in_review": "en revisión",
  "claims.state.approved": "aprobada",
  "claims.state.rejected": "rechazada",
  "claims.state.resolved": "resuelta",
  "claims.resolution.repair": "Reparación",
  "claims.resolution.replacement": "Sustitución",
  "claims.resolution.refund": "Reembolso",
  "claims.resolution.store_credit": "Saldo en la tienda",
  "claims.resource.singular": "reclamación",
  "claims.resource.plural": "reclamaciones",
  "claims.col.customer": "Cliente",
  "claims.col.product": "Producto",
  "claims.col.order": "Pedido",
  "claims.col.submitted": "Enviada",
  "claims.col.status": "Estado",
  "claims.col.daysOpen": "Días abierta",
  "claims.col.actions": "Acciones",
  "claims.customer.redacted": "Cliente borrado (RGPD)",
  "claims.customer.unnamed": "Cliente sin nombre",
  "claims.action.review": "Empezar revisión",
  "claims.action.approve": "Aprobar…",
  "claims.action.reject": "Rechazar…",
  "claims.action.resolve": "Marcar como resuelta",
  "claims.action.cancel": "Cancelar",
  "claims.bulk.review": "Empezar revisión de las enviadas",
  "claims.bulk.skipped": "{count} de las seleccionadas no se han cambiado: solo se puede empezar a revisar una reclamación enviada.",
  "claims.approve.title": "Aprobar la reclamación",
  "claims.approve.resolution": "Resolución",
  "claims.approve.help": "El cliente verá en su cuenta que la reclamación está aprobada y cómo se resuelve.",
  "claims.approve.submit": "Aprobar",
  "claims.reject.title": "Rechazar la reclamación",
  "claims.reject.reason": "Motivo del rechazo",
  "claims.reject.help": "Obligatorio, hasta 500 caracteres. El cliente lo leerá tal cual en su cuenta.",
  "claims.reject.submit": "Rechazar",
  "claims.empty.heading": "Aún no hay reclamaciones de garantía",
  "claims.empty.body":
    "Las reclamaciones las envían tus clientes desde su cuenta de cliente en la tienda (la página de recompensas o un pedido), sobre un producto cuya garantía sigue vigente. Cada una aparecerá aquí para que la revises, la apruebes o la rechaces.",
  "claims.emptyTab": "No hay reclamaciones en «{tab}».",
  "claims.page": "Página {page}",
  "claims.done.review": "La reclamación está en revisión.",
  "claims.done.reviewMany": "{count} reclamaciones están en revisión.",
  "claims.done.approve": "Reclamación aprobada: {resolution}.",
  "claims.done.reject": "Reclamación rechazada. El cliente verá el motivo en su cuenta.",
  "claims.done.resolve": "Reclamación resuelta.",
  "claims.refused.review": "No se puede empezar a revisar: esta reclamación ya está {status}.",
  "claims.refused.approve": "No se puede aprobar: esta reclamación está {status}. Solo se aprueban reclamaciones enviadas o en revisión.",
  "claims.refused.reject": "No se puede rechazar: esta reclamación está {status}. Solo se rechazan reclamaciones enviadas o en revisión.",
  "claims.refused.resolve": "No se puede marcar como resuelta: esta reclamación está {status}. Primero hay que aprobarla.",
  "claims.refused.openClaim": "Ya hay otra reclamación abierta para esta unidad.",
  "claims.refused.other": "Esta reclamación no admite esa acción ahora. Actualiza la página para ver su estado.",
  "claims.error.unknownIntent": "Acción desconocida: «{intent}». Usa review, approve, reject o resolve.",
  "claims.error.noClaim": "Falta la reclamación sobre la que actuar (el campo claimId).",
  "claims.error.oneClaim": "Esta acción se aplica a una sola reclamación cada vez.",
  "claims.error.tooMany": "Elige como mucho {max} reclamaciones a la vez.",
  "claims.error.badId": "«{id}» no es un identificador de reclamación válido.",
  "claims.error.resolution": "Elige cómo se resuelve: reparación, sustitución, reembolso o saldo en la tienda.",
  "claims.error.reasonRequired": "Escribe el motivo del rechazo: el cliente lo verá en su cuenta.",
  "claims.error.reasonTooLong": "El motivo puede tener como mucho {max} caracteres y tiene {length}.",
  "claims.error.notFound": "Esta tienda no tiene esa reclamación.",
  "claims.error.unexpected": "No se ha podido completar la acción. Inténtalo de nuevo en un momento.",
  "claims.detail.back": "Reclamaciones",
  "claims.detail.title": "Reclamación: {product}",
  "claims.detail.submittedAt": "Enviada el {when}",
  "claims.detail.description": "Lo que cuenta el cliente",
  "claims.detail.descriptionRedacted": "El cliente pidió borrar sus datos: su descripción ya no se guarda.",
  "claims.detail.status": "Estado",
  "claims.detail.resolution": "Resolución: {resolution}",
  "claims.detail.rejectionReason": "Motivo del rechazo (lo ve el cliente): {reason}",
  "claims.detail.reopened": "Reabierta una vez por el cliente.",
  "claims.detail.canReopen": "Está cerrada. El cliente puede reabrirla una vez desde su cuenta.",
  "claims.detail.closed": "Está cerrada y ya no puede reabrirse.",
  "claims.detail.customer": "Cliente",
  "claims.detail.unit": "Producto y pedido",
  "claims.detail.order": "Pedido {name}",
  "claims.detail.noOrder": "Pedido no disponible",
  "claims.detail.quantity": "{count} unidades en esta garantía",
  "claims.detail.coverage": "Garantía del {start} al {end}",
  "claims.detail.coverageNone": "La garantía aún no ha empezado (el producto no se ha enviado).",
  "claims.detail.unitStatus.active": "Garantía vigente",
  "claims.detail.unitStatus.expired": "Garantía vencida",
  "claims.detail.unitStatus.voided": "Garantía anulada (reembolso, cancelación o sin cobertura)",
  "claims.detail.unitStatus.pending_fulfillment": "Pendiente de envío",
  "claims.detail.measures": "Tiempos",
  "claims.detail.firstResponse": "Primera respuesta de la tienda",
  "claims.detail.resolutionTime": "Hasta resolverla",
  "claims.detail.pending": "Pendiente",
  "claims.detail.timeline": "Historial",
  "claims.detail.photos": "Fotos del cliente",
  "claims.detail.photosNone": "El cliente no adjuntó fotos.",
  "claims.detail.photo": "Foto {n} de {count}",
  "claims.detail.photoFailed": "No se pudo cargar la foto {n}.",
  "claims.actor.shopper": "Cliente",
  "claims.actor.merchant": "Tienda",
  "claims.actor.system": "Postventa",
  "claims.event.submitted": "Envió la reclamación",
  "claims.event.review_started": "Empezó a revisarla",
  "claims.event.approved": "La aprobó: {resolution}",
  "claims.event.approvedPlain": "La aprobó",
  "claims.event.rejected": "La rechazó",
  "claims.event.rejectedReason": "La rechazó: «{reason}»",
  "claims.event.resolved": "La marcó como resuelta",
  "claims.event.reopened": "La reabrió",
  "claims.event.other": "Registró «{type}»",
  "claims.duration.underMinute": "menos de 1 min",
  "claims.duration.minutes": "{m} min",
  "claims.duration.hours": "{h} h {m} min",
  "claims.duration.days": "{d} d {h} h",

  "hubspot.title": "HubSpot",
  "hubspot.connection": "Conexión",
  "hubspot.badge.connected": "Conectado",
  "hubspot.badge.paused": "Pausado",
  "hubspot.badge.notConnected": "No conectado",
  "hubspot.account": "Cuenta de HubSpot {portalId}",
  "hubspot.auth.oauth": "Conectada con OAuth",
  "hubspot.auth.private_app": "Conectada con una app privada",
  "hubspot.rollingLimit": "Límite de la API: {limit} solicitudes cada 10 s",
  "hubspot.lastSync": "Última sincronización correcta: {when}",
  "hubspot.neverSynced": "Todavía no se ha enviado nada a HubSpot.",
  "hubspot.notConnected": "Postventa aún no está conectado a ninguna cuenta de HubSpot.",

  "hubspot.paused.daily_limit": "Sincronización en pausa: se ha agotado el límite diario de la API de HubSpot",
  "hubspot.paused.auth": "Sincronización en pausa: HubSpot ya no acepta la conexión",
  "hubspot.paused.scopes": "Sincronización en pausa: a la conexión le faltan permisos en HubSpot",
  "hubspot.paused.other": "Sincronización en pausa",
  "hubspot.paused.resumesAt": "Se reanudará sola el {when}.",
  "hubspot.paused.reconnect": "Vuelve a conectar la cuenta más abajo para reanudarla.",
  "hubspot.paused.lastError": "Último error: {error}",

  "hubspot.backlog": "Pendiente de enviar",
  "hubspot.backlog.contacts": "Contactos",
  "hubspot.backlog.notes": "Notas",
  "hubspot.backlog.tickets": "Tickets",
  "hubspot.backlog.waiting": "Notas y tickets en espera",
  "hubspot.backlog.waitingHelp": "Son de clientes cuyo contacto HubSpot rechazó o que no tienen email.",
  "hubspot.backlog.skipped": "Clientes sin email (no se envían a HubSpot): {count}",
  "hubspot.backlog.upToDate": "Todo está al día.",

  "hubspot.backfill": "Envío inicial",
  "hubspot.backfill.progress": "{done} de {total} elementos enviados",

  "hubspot.failures": "Rechazados por HubSpot",
  "hubspot.failures.none": "HubSpot no ha rechazado ningún envío.",
  "hubspot.failures.type": "Tipo",
  "hubspot.failures.what": "Elemento",
  "hubspot.failures.reason": "Motivo",
  "hubspot.failures.contact": "Contacto",
  "hubspot.failures.note": "Nota",
  "hubspot.failures.ticket": "Ticket",
  "hubspot.failures.retry": "Reintentar",
  "hubspot.failures.retried": "Se volverán a enviar en unos segundos.",

  "hubspot.connect": "Conectar HubSpot",
  "hubspot.reconnect": "Volver a conectar HubSpot",
  "hubspot.connect.intro":
    "Postventa mantiene en HubSpot un contacto por cliente, le añade una nota por cada interacción de posventa y un ticket por cada reclamación de garantía o devolución que te necesite (si autorizas el permiso «tickets»).",
  "hubspot.tickets.waiting.scopes": "Los tickets esperan: a la conexión le falta el permiso «tickets» de HubSpot",
  "hubspot.tickets.waiting.pipeline": "Los tickets esperan: el pipeline de tickets de HubSpot no tiene las etapas que usa Postventa",
  "hubspot.tickets.waiting.help":
    "Los contactos y las notas se siguen enviando. Las reclamaciones de garantía y las devoluciones se enviarán como tickets en cuanto HubSpot los acepte.",
  "hubspot.tickets.waiting.reason": "Detalle: {reason}",
  "hubspot.tickets.waiting.retryAt": "Postventa lo volverá a intentar el {when}.",
  "hubspot.tickets.waiting.reconnect": "Vuelve a conectar la cuenta más abajo aprobando «tickets» (o añade ese permiso a tu app privada).",
  "hubspot.connect.oauth": "Conectar con HubSpot",
  "hubspot.connect.oauthHelp": "Se abrirá HubSpot para que elijas la cuenta y autorices el acceso.",
  "hubspot.connect.private": "O conecta con el token de una app privada",
  "hubspot.connect.token": "Token de acceso de la app privada",
  "hubspot.connect.tokenHelp":
    "Crea en HubSpot una app privada con los permisos crm.objects.contacts.read, crm.objects.contacts.write, crm.schemas.contacts.read y crm.schemas.contacts.write (y tickets, para los tickets de reclamaciones y devoluciones), y copia el token de la pestaña «Autenticación». Empieza por «pat-».",
  "hubspot.connect.limit": "Límite de la API de tu plan de HubSpot",
  "hubspot.connect.limit100": "100 solicitudes cada 10 s (Free y Starter)",
  "hubspot.connect.limit190": "190 solicitudes cada 10 s (Professional y Enterprise)",
  "hubspot.connect.submit": "Conectar con el token",
  "hubspot.connect.done": "Conectado. Ha empezado el envío inicial.",

  "hubspot.disconnect": "Desconectar",
  "hubspot.check": "Comprobar la conexión",
  "hubspot.check.help":
    "Comprueba en su cuenta de HubSpot todo lo que Postventa necesita; escribe y borra un contacto y una nota de prueba.",
  "hubspot.eraseOnRedact": "Borrar de HubSpot lo que Postventa escribió de un cliente que pide ser olvidado",
  "hubspot.eraseOnRedact.help":
    "Cuando Shopify envía la solicitud de borrado (RGPD) de un cliente, Postventa elimina sus notas y vacía sus propiedades Postventa en HubSpot. El contacto es suyo y se queda.",
  "hubspot.disconnect.confirm":
    "¿Desconectar HubSpot? Postventa dejará de enviar datos y borrará el token. Lo que ya está en HubSpot se queda allí.",
  "hubspot.disconnect.yes": "Sí, desconectar",
  "hubspot.disconnect.cancel": "Cancelar",
  "hubspot.disconnect.done": "HubSpot se ha desconectado.",

  "hubspot.error.unknownIntent": "Acción desconocida: «{intent}». Usa connect_private, connect_oauth, disconnect o retry.",
  "hubspot.error.unexpected": "No se ha podido completar la acción. Inténtalo de nuevo en un momento.",

  "callback.title": "Conexión con HubSpot",
  "callback.missingCode":
    "Falta el código de autorización de HubSpot (el parámetro «code») en la dirección. Vuelve a empezar desde la página de HubSpot en Postventa.",
  "callback.badCode":
    "El código de autorización de HubSpot (el parámetro «code») de la dirección no tiene el formato de HubSpot. Vuelve a empezar desde la página de HubSpot en Postventa.",
  "callback.denied":
    "No se ha autorizado el acceso en HubSpot, así que no se ha conectado ninguna cuenta. Si ha sido un error, vuelve a intentarlo desde la página de HubSpot en Postventa.",
  "callback.hubspotError":
    "HubSpot no ha autorizado la conexión (error «{error}»). Vuelve a intentarlo desde la página de HubSpot en Postventa.",
  "callback.unexpected":
    "No se ha podido terminar de conectar HubSpot. Inténtalo de nuevo en un momento desde la página de HubSpot en Postventa.",
  "callback.back": "Volver a Postventa",

  "connectError.not_a_token": "Eso no parece un token de acceso de una app privada de HubSpot (empieza por «pat-»).",
  "connectError.plan_limit": "Elige el límite de la API de tu plan de HubSpot: 100 o 190 solicitudes cada 10 segundos.",
  "connectError.state_invalid":
    "Este enlace de autorización de HubSpot no es válido. Vuelve a empezar desde la página de HubSpot en Postventa.",
  "connectError.state_expired":
    "Este enlace de autorización de HubSpot ha caducado. Vuelve a empezar desde la página de HubSpot en Postventa.",
  "connectError.state_used":
    "Este enlace de autorización de HubSpot ya se ha usado y solo vale una vez. Vuelve a empezar desde la página de HubSpot en Postventa.",
  "connectError.state_other_browser":
    "Esta autorización de HubSpot se empezó en otro navegador (o este navegador no guardó su cookie). Termínala en el navegador donde pulsaste «Conectar con HubSpot», o vuelve a empezar desde la página de HubSpot en Postventa en este.",
  "connectError.oauth_refused": "HubSpot ha rechazado la autorización: {detail}. Vuelve a empezar desde la página de HubSpot en Postventa.",
  "connectError.oauth_misconfigured":
    "HubSpot no ha aceptado las credenciales de la app de Postventa, así que no se ha conectado ninguna cuenta. No tienes que cambiar nada: contacta con el soporte de Postventa.",
  "connectError.token_refused": "HubSpot no ha aceptado este token. Cópialo de nuevo de la pestaña «Auth» de tu app privada.",
  "connectError.missing_scopes":
    "Al token le falta un permiso que Postventa necesita: crm.objects.contacts.read/write y crm.schemas.contacts.read/write.",
  "connectError.unreachable":
    "No se ha podido contactar con HubSpot para terminar de conectar: {detail}. Inténtalo de nuevo en un momento.",
  "connectError.not_connected": "Conecta primero una cuenta de HubSpot.",
} as const;

export type MessageKey = keyof typeof es;
export type Messages = Record<MessageKey, string>;

const en: Messages = {
  "nav.home": "Dashboard",
  "nav.hubspot": "HubSpot",
  "nav.claims": "Claims",

  "claims.title": "Warranty claims",
  "claims.tab.open": "Open",
  "claims.tab.submitted": "Submitted",
  "claims.tab.in_review": "In review",
  "claims.tab.approved": "Approved",
  "claims.tab.rejected": "Rejected",
  "claims.tab.resolved": "Resolved",
  "claims.tab.all": "All",
  "claims.status.submitted": "Submitted",
  "claims.status.in_review": "In review",
  "claims.status.approved": "Approved",
  "claims.status.rejected": "Rejected",
  "claims.status.resolved": "Resolved",
  "claims.state.submitted": "submitted and not yet reviewed",
  "claims.state.in_review": "in review",
  "claims.state.approved": "approved",
  "claims.state.rejected": "rejected",
  "claims.state.resolved": "resolved",
  "claims.resolution.repair": "Repair",
  "claims.resolution.replacement": "Replacement",
  "claims.resolution.refund": "Refund",
  "claims.resolution.store_credit": "Store credit",
  "claims.resource.singular": "claim",
  "claims.resource.plural": "claims",
  "claims.col.customer": "Customer",
  "claims.col.product": "Product",
  "claims.col.order": "Order",
  "claims.col.submitted": "Submitted",
  "claims.col.status": "Status",
  "claims.col.daysOpen": "Days open",
  "claims.col.actions": "Actions",
  "claims.customer.redacted": "Customer erased (GDPR)",
  "claims.customer.unnamed": "Unnamed customer",
  "claims.action.review": "Start review",
  "claims.action.approve": "Approve…",
  "claims.action.reject": "Reject…",
  "claims.action.resolve": "Mark resolved",
  "claims.action.cancel": "Cancel",
  "claims.bulk.review": "Start review of the submitted ones",
  "claims.bulk.skipped": "{count} of the selected claims were not changed: only a submitted claim can be put in review.",
  "claims.approve.title": "Approve the claim",
  "claims.approve.resolution": "Resolution",
  "claims.approve.help": "The customer will see in their account that the claim is approved and how it will be resolved.",
  "claims.approve.submit": "Approve",
  "claims.reject.title": "Reject the claim",
  "claims.reject.reason": "Reason for rejecting",
  "claims.reject.help": "Required, up to 500 characters. The customer reads it as written in their account.",
  "claims.reject.submit": "Reject",
  "claims.empty.heading": "No warranty claims yet",
  "claims.empty.body":
    "Your customers send claims from their customer account in your store (the rewards page or an order), about an item whose warranty is still running. Each one shows up here for you to review, approve or reject.",
  "claims.emptyTab": "No claims in “{tab}”.",
  "claims.page": "Page {page}",
  "claims.done.review": "The claim is now in review.",
  "claims.done.reviewMany": "{count} claims are now in review.",
  "claims.done.approve": "Claim approved: {resolution}.",
  "claims.done.reject": "Claim rejected. The customer will see the reason in their account.",
  "claims.done.resolve": "Claim marked resolved.",
  "claims.refused.review": "This claim cannot be put in review: it is already {status}.",
  "claims.refused.approve": "This claim cannot be approved: it is {status}. Only submitted or in-review claims can be approved.",
  "claims.refused.reject": "This claim cannot be rejected: it is {status}. Only submitted or in-review claims can be rejected.",
  "claims.refused.resolve": "This claim cannot be marked resolved: it is {status}. It has to be approved first.",
  "claims.refused.openClaim": "There is already another open claim for this unit.",
  "claims.refused.other": "This claim does not allow that action now. Refresh the page to see its status.",
  "claims.error.unknownIntent": "Unknown action: “{intent}”. Use review, approve, reject or resolve.",
  "claims.error.noClaim": "Which claim? The claimId field is missing.",
  "claims.error.oneClaim": "This action applies to one claim at a time.",
  "claims.error.tooMany": "Choose at most {max} claims at a time.",
  "claims.error.badId": "“{id}” is not a valid claim id.",
  "claims.error.resolution": "Choose how it is resolved: repair, replacement, refund or store credit.",
  "claims.error.reasonRequired": "Write why the claim is rejected: the customer will see it in their account.",
  "claims.error.reasonTooLong": "The reason can be at most {max} characters; it has {length}.",
  "claims.error.notFound": "This shop has no such claim.",
  "claims.error.unexpected": "The action could not be completed. Try again in a moment.",
  "claims.detail.back": "Claims",
  "claims.detail.title": "Claim: {product}",
  "claims.detail.submittedAt": "Submitted on {when}",
  "claims.detail.description": "What the customer says",
  "claims.detail.descriptionRedacted": "The customer asked for their data to be erased: their description is no longer kept.",
  "claims.detail.status": "Status",
  "claims.detail.resolution": "Resolution: {resolution}",
  "claims.detail.rejectionReason": "Reason for rejecting (the customer sees it): {reason}",
  "claims.detail.reopened": "Reopened once by the customer.",
  "claims.detail.canReopen": "It is closed. The customer can reopen it once from their account.",
  "claims.detail.closed": "It is closed and can no longer be reopened.",
  "claims.detail.customer": "Customer",
  "claims.detail.unit": "Item and order",
  "claims.detail.order": "Order {name}",
  "claims.detail.noOrder": "Order not available",
  "claims.detail.quantity": "{count} units under this warranty",
  "claims.detail.coverage": "Covered from {start} to {end}",
  "claims.detail.coverageNone": "Coverage has not started yet (the item has not shipped).",
  "claims.detail.unitStatus.active": "Warranty active",
  "claims.detail.unitStatus.expired": "Warranty expired",
  "claims.detail.unitStatus.voided": "Warranty void (refunded, cancelled or not covered)",
  "claims.detail.unitStatus.pending_fulfillment": "Waiting to ship",
  "claims.detail.measures": "Times",
  "claims.detail.firstResponse": "Store's first response",
  "claims.detail.resolutionTime": "Time to resolution",
  "claims.detail.pending": "Pending",
  "claims.detail.timeline": "Timeline",
  "claims.detail.photos": "Customer's photos",
  "claims.detail.photosNone": "The customer attached no photos.",
  "claims.detail.photo": "Photo {n} of {count}",
  "claims.detail.photoFailed": "Photo {n} could not be loaded.",
  "claims.actor.shopper": "Customer",
  "claims.actor.merchant": "Store",
  "claims.actor.system": "Postventa",
  "claims.event.submitted": "Sent the claim",
  "claims.event.review_started": "Started reviewing it",
  "claims.event.approved": "Approved it: {resolution}",
  "claims.event.approvedPlain": "Approved it",
  "claims.event.rejected": "Rejected it",
  "claims.event.rejectedReason": "Rejected it: “{reason}”",
  "claims.event.resolved": "Marked it resolved",
  "claims.event.reopened": "Reopened it",
  "claims.event.other": "Recorded “{type}”",
  "claims.duration.underMinute": "under 1 min",
  "claims.duration.minutes": "{m} min",
  "claims.duration.hours": "{h} h {m} min",
  "claims.duration.days": "{d} d {h} h",

  "hubspot.title": "HubSpot",
  "hubspot.connection": "Connection",
  "hubspot.badge.connected": "Connected",
  "hubspot.badge.paused": "Paused",
  "hubspot.badge.notConnected": "Not connected",
  "hubspot.account": "HubSpot account {portalId}",
  "hubspot.auth.oauth": "Connected with OAuth",
  "hubspot.auth.private_app": "Connected with a private app",
  "hubspot.rollingLimit": "API limit: {limit} requests per 10 s",
  "hubspot.lastSync": "Last successful sync: {when}",
  "hubspot.neverSynced": "Nothing has been sent to HubSpot yet.",
  "hubspot.notConnected": "Postventa is not connected to a HubSpot account yet.",

  "hubspot.paused.daily_limit": "Sync paused: HubSpot's daily API limit has been used up",
  "hubspot.paused.auth": "Sync paused: HubSpot no longer accepts the connection",
  "hubspot.paused.scopes": "Sync paused: the connection is missing permissions in HubSpot",
  "hubspot.paused.other": "Sync paused",
  "hubspot.paused.resumesAt": "It will resume by itself on {when}.",
  "hubspot.paused.reconnect": "Connect the account again below to resume it.",
  "hubspot.paused.lastError": "Last error: {error}",

  "hubspot.backlog": "Waiting to be sent",
  "hubspot.backlog.contacts": "Contacts",
  "hubspot.backlog.notes": "Notes",
  "hubspot.backlog.tickets": "Tickets",
  "hubspot.backlog.waiting": "Notes and tickets on hold",
  "hubspot.backlog.waitingHelp": "They belong to customers whose contact HubSpot refused or who have no email.",
  "hubspot.backlog.skipped": "Customers without an email (not sent to HubSpot): {count}",
  "hubspot.backlog.upToDate": "Everything is up to date.",

  "hubspot.backfill": "Initial sync",
  "hubspot.backfill.progress": "{done} of {total} items sent",

  "hubspot.failures": "Refused by HubSpot",
  "hubspot.failures.none": "HubSpot has not refused anything.",
  "hubspot.failures.type": "Type",
  "hubspot.failures.what": "Item",
  "hubspot.failures.reason": "Reason",
  "hubspot.failures.contact": "Contact",
  "hubspot.failures.note": "Note",
  "hubspot.failures.ticket": "Ticket",
  "hubspot.failures.retry": "Retry",
  "hubspot.failures.retried": "They will be sent again in a few seconds.",

  "hubspot.connect": "Connect HubSpot",
  "hubspot.reconnect": "Connect HubSpot again",
  "hubspot.connect.intro":
    "Postventa keeps one HubSpot contact per customer, adds a note for every after-sales interaction, and a ticket for every warranty claim or return that needs you (if you approve the “tickets” permission).",
  "hubspot.tickets.waiting.scopes": "Tickets are on hold: the connection lacks HubSpot's “tickets” permission",
  "hubspot.tickets.waiting.pipeline": "Tickets are on hold: HubSpot's ticket pipeline lacks the stages Postventa uses",
  "hubspot.tickets.waiting.help":
    "Contacts and notes are still being sent. Warranty claims and returns will be sent as tickets as soon as HubSpot accepts them.",
  "hubspot.tickets.waiting.reason": "Details: {reason}",
  "hubspot.tickets.waiting.retryAt": "Postventa will try again on {when}.",
  "hubspot.tickets.waiting.reconnect": "Connect the account again below and approve “tickets” (or add that scope to your private app).",
  "hubspot.connect.oauth": "Connect with HubSpot",
  "hubspot.connect.oauthHelp": "HubSpot opens so you can choose the account and approve access.",
  "hubspot.connect.private": "Or connect with a private app token",
  "hubspot.connect.token": "Private app access token",
  "hubspot.connect.tokenHelp":
    "In HubSpot, create a private app with the scopes crm.objects.contacts.read, crm.objects.contacts.write, crm.schemas.contacts.read and crm.schemas.contacts.write (and tickets, for claim and return tickets), and copy the token from its Auth tab. It starts with “pat-”.",
  "hubspot.connect.limit": "Your HubSpot plan's API limit",
  "hubspot.connect.limit100": "100 requests per 10 s (Free and Starter)",
  "hubspot.connect.limit190": "190 requests per 10 s (Professional and Enterprise)",
  "hubspot.connect.submit": "Connect with the token",
  "hubspot.connect.done": "Connected. The initial sync has started.",

  "hubspot.disconnect": "Disconnect",
  "hubspot.check": "Check the connection",
  "hubspot.check.help": "Checks in your HubSpot account everything Postventa relies on; writes and deletes a test contact and note.",
  "hubspot.eraseOnRedact": "Erase from HubSpot what Postventa wrote about a customer who asks to be forgotten",
  "hubspot.eraseOnRedact.help":
    "When Shopify sends a customer's redaction request (GDPR), Postventa deletes its notes and empties its Postventa properties in HubSpot. The contact is yours and stays.",
  "hubspot.disconnect.confirm":
    "Disconnect HubSpot? Postventa stops sending data and deletes the token. What is already in HubSpot stays there.",
  "hubspot.disconnect.yes": "Yes, disconnect",
  "hubspot.disconnect.cancel": "Cancel",
  "hubspot.disconnect.done": "HubSpot has been disconnected.",

  "hubspot.error.unknownIntent": "Unknown action: “{intent}”. Use connect_private, connect_oauth, disconnect or retry.",
  "hubspot.error.unexpected": "The action could not be completed. Try again in a moment.",

  "callback.title": "HubSpot connection",
  "callback.missingCode":
    "The HubSpot authorization code (the “code” parameter) is missing from the address. Start again from the HubSpot page in Postventa.",
  "callback.badCode":
    "The HubSpot authorization code (the “code” parameter) in the address is not in HubSpot's format. Start again from the HubSpot page in Postventa.",
  "callback.denied":
    "Access was not approved in HubSpot, so no account was connected. If that was a mistake, try again from the HubSpot page in Postventa.",
  "callback.hubspotError": "HubSpot did not authorize the connection (error “{error}”). Try again from the HubSpot page in Postventa.",
  "callback.unexpected": "Connecting HubSpot could not be finished. Try again in a moment from the HubSpot page in Postventa.",
  "callback.back": "Back to Postventa",

  "connectError.not_a_token": "That does not look like a HubSpot private app access token (it starts with “pat-”).",
  "connectError.plan_limit": "Choose your HubSpot plan's API limit: 100 or 190 requests per 10 seconds.",
  "connectError.state_invalid": "This HubSpot authorization link is not valid. Start again from the HubSpot page in Postventa.",
  "connectError.state_expired": "This HubSpot authorization link expired. Start again from the HubSpot page in Postventa.",
  "connectError.state_used":
    "This HubSpot authorization link has already been used, and it works only once. Start again from the HubSpot page in Postventa.",
  "connectError.state_other_browser":
    "This HubSpot authorization was started in another browser (or this browser did not keep its cookie). Finish it in the browser where you clicked “Connect with HubSpot”, or start again from the HubSpot page in Postventa in this one.",
  "connectError.oauth_refused": "HubSpot refused the authorization: {detail}. Start again from the HubSpot page in Postventa.",
  "connectError.oauth_misconfigured":
    "HubSpot did not accept Postventa's app credentials, so no account was connected. Nothing needs changing on your side: contact Postventa support.",
  "connectError.token_refused": "HubSpot did not accept this token. Copy it again from your private app's Auth tab.",
  "connectError.missing_scopes":
    "The token lacks a scope Postventa needs: crm.objects.contacts.read/write and crm.schemas.contacts.read/write.",
  "connectError.unreachable": "HubSpot could not be reached to finish connecting: {detail}. Try again in a moment.",
  "connectError.not_connected": "Connect a HubSpot account first.",
};

const dictionaries: Record<Locale, Messages> = { es, en };

function pick(tag: string | null | undefined): Locale | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && (LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : null;
}

/** The admin's `?locale=` (embedded loads), else the browser's Accept-Language, else Spanish. */
export function localeFrom(request: Request): Locale {
  const fromParam = pick(new URL(request.url).searchParams.get("locale"));
  if (fromParam) return fromParam;
  const ranked = (request.headers.get("Accept-Language") ?? "")
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((x) => x.q > 0 && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const l = pick(tag);
    if (l) return l;
  }
  return DEFAULT_LOCALE;
}

export function interpolate(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function t(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  return interpolate(dictionaries[locale][key], vars);
}

/** The strings whose keys start with `prefix`, for a page's loader to hand to its component. */
export function messages<P extends string>(locale: Locale, prefix: P): Pick<Messages, Extract<MessageKey, `${P}${string}`>> {
  const d = dictionaries[locale];
  return Object.fromEntries(Object.entries(d).filter(([k]) => k.startsWith(prefix))) as Pick<
    Messages,
    Extract<MessageKey, `${P}${string}`>
  >;
}
