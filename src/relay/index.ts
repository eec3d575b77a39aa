/** What other folders may use from `relay/`: the vertical STUN server core and its driver. */
export {
  OPENDDS_UNDERSTOOD_ATTRIBUTES, STUN_RESPONDER_REASONS, StunResponder,
  type StunResponderDeps, type StunResponderEvent, type StunResponderStats,
} from './stun-responder.js';
export { StunServer, type StunServerEvents, type StunServerOptions } from './stun-server.js';
