/**
 * What other folders may use from `turn/`: the sans-I/O TURN client (RFC 8656) and the TURN server
 * core, see docs/security.md.
 */
export {
  CHANNEL_LIFETIME_MS, isFromServer, PERMISSION_LIFETIME_MS, TurnClient, TurnError,
  type TurnClientDeps, type TurnClientEvent, type TurnClientInit, type TurnClientState, type TurnErrorCode, type TurnInbound,
} from './client.js';
export { TurnServerCore, type TurnServerDeps, type TurnServerInit, type TurnServerStats } from './server-core.js';
