/**
 * Submessages this codec does not interpret: vendor-specific ids (0x80..0xff, RTPS 2.5 §9.4.5.1.1,
 * e.g. the 0x80 Fast DDS appends to every datagram), DDS-Security ones (SEC_*, SRTPS_*) and ids a
 * later RTPS version may add. RTPS 2.5 §8.3.4.1: a receiver skips them; they never fail a message.
 */

/** A submessage kept verbatim. */
export interface UnknownSubmessage {
  readonly kind: 'unknown';
  /** SubmessageId octet. */
  readonly id: number;
  /** The whole flags octet, E included (it also sets the byte order of octetsToNextHeader on encode). */
  readonly flags: number;
  /** The body (after the 4-octet header); a view into the datagram when decoded. */
  readonly body: Uint8Array;
}
