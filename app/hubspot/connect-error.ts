// Why connecting HubSpot failed, for the merchant (connection.server.ts, oauth-state.server.ts).
/** A connect attempt the merchant can act on. The page shows it in the merchant's language
 *  (app/i18n.ts, `connectError.<code>`); the message is the English text. */
export type ConnectErrorCode =
  | "not_a_token"
  | "plan_limit"
  | "state_invalid"
  | "state_expired"
  | "state_used"
  | "state_other_browser"
  | "oauth_refused"
  | "oauth_misconfigured"
  | "token_refused"
  | "missing_scopes"
  | "unreachable"
  | "not_connected";
export class ConnectError extends Error {
  constructor(
    readonly code: ConnectErrorCode,
    message: string,
    readonly detail = "",
  ) {
    super(message);
  }
}
