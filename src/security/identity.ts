/**
 * Participant identity (docs/security.md): an X.509 certificate and its private key, the GUID
 * prefix derived from the certificate's subject as DDS Security 1.1 §9.3.3 does, and the SHA-256
 * fingerprint peers and the relay pin.
 *
 * No file or socket here (STYLE.md rule 3): PEM text comes in, `src/dds/identity-files.ts` reads and
 * persists files. Generation uses `node-forge` (Node has no certificate builder); parsing and
 * verification use `node:crypto`'s `X509Certificate`, which checks RSA, RSA-PSS and ECDSA signatures.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { RtpsLibError } from '../util/errors.js';

/** Why an identity or a peer's certificate was refused. */
export type IdentityErrorCode =
  | 'bad-pem' | 'key-mismatch' | 'not-yet-valid' | 'expired' | 'untrusted' | 'not-a-ca' | 'fingerprint-mismatch'
  | 'guid-mismatch' | 'no-trust-anchor';

/** A certificate, key or announcement was refused; `code` says why. */
export class IdentityError extends RtpsLibError {
  override readonly name = 'IdentityError';
  constructor(readonly code: IdentityErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
  }
}

/** A loaded, checked participant identity. */
export interface ParticipantIdentity {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** Intermediate certificates sent with ours (leaf's issuer first); empty for a self-signed one. */
  readonly chainPems: readonly string[];
  /** Subject as text (`CN=…, O=…`), for logs. */
  readonly subject: string;
  /** DER of the subject Name, the input of the GUID derivation. */
  readonly subjectDer: Uint8Array;
  /** SHA-256 of the certificate DER, `AB:CD:…` (RFC 8122 §5 form, as DTLS fingerprints are written). */
  readonly fingerprint: string;
  /** The candidate GUID prefix the adjusted one was derived from. */
  readonly candidateGuidPrefix: Uint8Array;
  /** The participant's GUID prefix (DDS Security 1.1 §9.3.3). */
  readonly guidPrefix: Uint8Array;
}

/** SPDP PID_PROPERTY_LIST names carrying the identity (docs/security.md; not `dds.sec.*`, which is reserved). */
export const IDENTITY_FINGERPRINT_PROPERTY = 'rtps-ice.identity.fingerprint';
export const IDENTITY_SUBJECT_PROPERTY = 'rtps-ice.identity.subject';
/** The value's hash name, as in SDP's `a=fingerprint:sha-256 …` (RFC 8122 §5). */
const FINGERPRINT_HASH = 'sha-256';

/** Options of {@link generateSelfSignedIdentity}. */
export interface SelfSignedOptions {
  /** Subject CN. */
  readonly commonName: string;
  /** Subject O; default none. */
  readonly organization?: string;
  /** Validity from `nowMs` (minus one hour of clock skew), days. Default 365. */
  readonly validityDays?: number;
  /** RSA modulus bits. Default 2048 (DDS Security PKI-DH's RSA-2048). */
  readonly keyBits?: number;
  /** Wall-clock Unix ms the validity starts from. */
  readonly nowMs: number;
  /** Serial number source; 16 random bytes. */
  readonly randomBytes: (n: number) => Uint8Array;
}

/** Generates an RSA key and a self-signed certificate for it (PEM). */
export function generateSelfSignedIdentity(options: SelfSignedOptions): { certificatePem: string; privateKeyPem: string } {
  const days = options.validityDays ?? 365;
  if (!(days > 0)) throw new RangeError(`validityDays must be > 0, got ${days}`);
  const keys = forge.pki.rsa.generateKeyPair({ bits: options.keyBits ?? 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  const serial = options.randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  cert.serialNumber = hexOf(serial);
  cert.validity.notBefore = new Date(options.nowMs - 3_600_000);
  cert.validity.notAfter = new Date(options.nowMs + days * 86_400_000);
  const attrs: forge.pki.CertificateField[] = [{ shortName: 'CN', value: options.commonName }];
  if (options.organization !== undefined) attrs.push({ shortName: 'O', value: options.organization });
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Options of {@link generateCaSignedIdentity} (tests and tooling: a CA and the certificates it signs). */
export interface CaSignedOptions extends SelfSignedOptions {
  /** The issuer; omitted = a CA certificate (basicConstraints cA) signed by its own key. */
  readonly issuer?: { readonly certificatePem: string; readonly privateKeyPem: string };
  /** Make a CA certificate (can sign others). Default: true when `issuer` is omitted. */
  readonly isCa?: boolean;
}

/** Generates a CA certificate, or a certificate signed by `issuer` (PEM). */
export function generateCaSignedIdentity(options: CaSignedOptions): { certificatePem: string; privateKeyPem: string } {
  const days = options.validityDays ?? 365;
  const keys = forge.pki.rsa.generateKeyPair({ bits: options.keyBits ?? 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  const serial = options.randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = hexOf(serial);
  cert.validity.notBefore = new Date(options.nowMs - 3_600_000);
  cert.validity.notAfter = new Date(options.nowMs + days * 86_400_000);
  const attrs: forge.pki.CertificateField[] = [{ shortName: 'CN', value: options.commonName }];
  if (options.organization !== undefined) attrs.push({ shortName: 'O', value: options.organization });
  cert.setSubject(attrs);
  const isCa = options.isCa ?? options.issuer === undefined;
  let signingKey = keys.privateKey;
  if (options.issuer === undefined) {
    cert.setIssuer(attrs);
  } else {
    cert.setIssuer(forge.pki.certificateFromPem(options.issuer.certificatePem).subject.attributes);
    signingKey = forge.pki.privateKeyFromPem(options.issuer.privateKeyPem);
  }
  cert.setExtensions(isCa
    ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
    : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true }]);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** forge works on "binary strings" (one char per byte). */
function binaryStringOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function bytesOfBinaryString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function parseCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new IdentityError('bad-pem', `${what} is not a PEM X.509 certificate`, { cause: err });
  }
}

/** SHA-256 fingerprint of a certificate's DER, upper-case hex pairs joined by `:`. */
export function certificateFingerprint(certificatePem: string): string {
  return formatFingerprint(createHash('sha256').update(parseCertificate(certificatePem, 'certificate').raw).digest());
}

function formatFingerprint(digest: Uint8Array): string {
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Normalizes `ab:cd…`, `ABCD…` or `sha-256 AB:CD…` to the `AB:CD:…` form; throws on anything else. */
export function normalizeFingerprint(text: string): string {
  const body = text.trim().replace(/^sha-256\s+/i, '').replace(/:/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(body)) throw new IdentityError('fingerprint-mismatch', `not a SHA-256 fingerprint: ${JSON.stringify(text)}`);
  return body.toUpperCase().match(/../g)?.join(':') ?? '';
}

/**
 * The DER of the certificate's subject Name, as OpenSSL's `X509_NAME_digest` hashes it (what
 * OpenDDS, Fast DDS and Cyclone DDS feed SHA-256 for the GUID): the original bytes, never re-encoded text.
 */
export function subjectNameDer(cert: X509Certificate): Uint8Array {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(binaryStringOf(cert.raw)));
  const tbs = (asn1.value as forge.asn1.Asn1[])[0];
  const fields = tbs?.value as forge.asn1.Asn1[] | undefined;
  if (fields === undefined) throw new IdentityError('bad-pem', 'certificate has no tbsCertificate');
  // tbsCertificate: [0] version (optional), serialNumber, signature, issuer, validity, subject (RFC 5280 §4.1).
  const hasVersion = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC;
  const subject = fields[(hasVersion ? 1 : 0) + 4];
  if (subject === undefined) throw new IdentityError('bad-pem', 'certificate has no subject');
  return bytesOfBinaryString(forge.asn1.toDer(subject).getBytes());
}

/**
 * DDS Security 1.1 §9.3.3 (adjusted participant GUID): bit 0 is 1; bits 1–47 are the first 47 bits
 * of SHA-256(subject Name DER); bits 48–95 are the first 48 bits of SHA-256(candidate GUID, 16 bytes:
 * prefix + entity id 0x000001c1). Same as OpenDDS `make_adjusted_guid`.
 */
export function adjustedGuidPrefix(subjectDer: Uint8Array, candidateGuidPrefix: Uint8Array): Uint8Array {
  if (candidateGuidPrefix.length !== 12) throw new RangeError(`candidate GUID prefix must be 12 bytes, got ${candidateGuidPrefix.length}`);
  const h1 = createHash('sha256').update(subjectDer).digest();
  const candidate = new Uint8Array(16);
  candidate.set(candidateGuidPrefix);
  candidate.set([0x00, 0x00, 0x01, 0xc1], 12);
  const h2 = createHash('sha256').update(candidate).digest();
  const out = new Uint8Array(12);
  out[0] = 0x80 | ((h1[0] ?? 0) >>> 1);
  for (let i = 1; i < 6; i++) out[i] = (((h1[i - 1] ?? 0) << 7) & 0x80) | ((h1[i] ?? 0) >>> 1);
  out.set(h2.subarray(0, 6), 6);
  return out;
}

/** True when the first 48 bits of `guidPrefix` are the ones `subjectDer` gives (§9.3.3). */
export function guidPrefixMatchesSubject(guidPrefix: Uint8Array, subjectDer: Uint8Array): boolean {
  const expected = adjustedGuidPrefix(subjectDer, new Uint8Array(12));
  for (let i = 0; i < 6; i++) if (guidPrefix[i] !== expected[i]) return false;
  return true;
}

/** How a peer's (or our own) certificate is trusted. */
export interface TrustOptions {
  /** CA certificates (PEM) anchoring chains. */
  readonly trustedCaPems?: readonly string[];
  /** Accepted certificate fingerprints (any form {@link normalizeFingerprint} reads). */
  readonly pinnedFingerprints?: readonly string[];
  /** Intermediates sent with the certificate (issuer first). */
  readonly chainPems?: readonly string[];
  /** Wall-clock Unix ms for the validity check. */
  readonly nowMs: number;
}

/** A certificate that passed {@link verifyCertificate}. */
export interface VerifiedCertificate {
  readonly certificate: X509Certificate;
  readonly fingerprint: string;
  readonly subjectDer: Uint8Array;
  /** 'pinned' when a fingerprint matched, 'chain' when a trusted CA signed the chain. */
  readonly trustedBy: 'pinned' | 'chain';
}

function checkValidity(cert: X509Certificate, nowMs: number, what: string): void {
  if (nowMs < Date.parse(cert.validFrom)) throw new IdentityError('not-yet-valid', `${what} is valid from ${cert.validFrom}`);
  if (nowMs > Date.parse(cert.validTo)) throw new IdentityError('expired', `${what} expired ${cert.validTo}`);
}

/**
 * Checks a certificate against pinned fingerprints or trusted CAs (at least one must be given):
 * dates, then a pinned fingerprint, else a chain leaf → intermediates → trusted CA where every
 * issuer is a CA, names its child (`checkIssued`) and its key verifies the child's signature.
 * @throws IdentityError (`bad-pem`, `expired`, `not-yet-valid`, `fingerprint-mismatch`, `untrusted`, `not-a-ca`, `no-trust-anchor`).
 */
export function verifyCertificate(certificatePem: string, trust: TrustOptions): VerifiedCertificate {
  const cert = parseCertificate(certificatePem, 'certificate');
  checkValidity(cert, trust.nowMs, `certificate ${cert.subject.replace(/\n/g, ', ')}`);
  const fingerprint = formatFingerprint(createHash('sha256').update(cert.raw).digest());
  const subjectDer = subjectNameDer(cert);
  const pins = (trust.pinnedFingerprints ?? []).map(normalizeFingerprint);
  const cas = (trust.trustedCaPems ?? []).map((p, i) => parseCertificate(p, `trusted CA #${i}`));
  if (pins.length === 0 && cas.length === 0) throw new IdentityError('no-trust-anchor', 'neither a pinned fingerprint nor a trusted CA was given');
  if (pins.includes(fingerprint)) return { certificate: cert, fingerprint, subjectDer, trustedBy: 'pinned' };
  if (cas.length === 0) throw new IdentityError('fingerprint-mismatch', `fingerprint ${fingerprint} is not pinned`);
  const intermediates = (trust.chainPems ?? []).map((p, i) => parseCertificate(p, `chain certificate #${i}`));
  let child = cert;
  for (let depth = 0; depth <= intermediates.length; depth++) {
    const anchor = cas.find((ca) => child.checkIssued(ca) && child.verify(ca.publicKey));
    if (anchor !== undefined) {
      if (!anchor.ca) throw new IdentityError('not-a-ca', `trusted certificate ${anchor.subject} is not a CA`);
      checkValidity(anchor, trust.nowMs, 'trusted CA');
      return { certificate: cert, fingerprint, subjectDer, trustedBy: 'chain' };
    }
    const next = intermediates[depth];
    if (next === undefined || !child.checkIssued(next) || !child.verify(next.publicKey)) break;
    if (!next.ca) throw new IdentityError('not-a-ca', `chain certificate ${next.subject} is not a CA`);
    checkValidity(next, trust.nowMs, 'chain certificate');
    child = next;
  }
  throw new IdentityError('untrusted', `certificate ${cert.subject.replace(/\n/g, ', ')} (${fingerprint}) does not chain to a trusted CA`);
}

/** Options of {@link loadIdentity}. */
export interface LoadIdentityOptions {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** Intermediates (issuer first). */
  readonly chainPems?: readonly string[];
  /** When given, our own certificate must chain to one of them (catches a wrong or foreign certificate early). */
  readonly trustedCaPems?: readonly string[];
  /**
   * The candidate GUID prefix (DDS Security's `candidate_participant_guid`). Default: the first 12
   * bytes of SHA-256(certificate DER), so the GUID is stable across restarts; give distinct ones to
   * run several participants under one certificate.
   */
  readonly candidateGuidPrefix?: Uint8Array;
  readonly nowMs: number;
}

/**
 * Checks and loads an identity: the PEMs parse, the key is the certificate's, dates hold, and the
 * chain reaches `trustedCaPems` when given; derives the GUID prefix.
 * @throws IdentityError.
 */
export function loadIdentity(options: LoadIdentityOptions): ParticipantIdentity {
  const cert = parseCertificate(options.certificatePem, 'identity certificate');
  let key;
  try {
    key = createPrivateKey(options.privateKeyPem);
  } catch (err) {
    throw new IdentityError('bad-pem', 'identity private key is not a PEM private key', { cause: err });
  }
  if (!cert.checkPrivateKey(key)) throw new IdentityError('key-mismatch', 'the private key does not belong to the identity certificate');
  checkValidity(cert, options.nowMs, 'identity certificate');
  if (options.trustedCaPems !== undefined && options.trustedCaPems.length > 0) {
    verifyCertificate(options.certificatePem, {
      trustedCaPems: options.trustedCaPems, ...(options.chainPems !== undefined && { chainPems: options.chainPems }), nowMs: options.nowMs,
    });
  }
  const digest = createHash('sha256').update(cert.raw).digest();
  const candidate = options.candidateGuidPrefix ?? Uint8Array.from(digest.subarray(0, 12));
  const subjectDer = subjectNameDer(cert);
  return {
    certificatePem: options.certificatePem,
    privateKeyPem: options.privateKeyPem,
    chainPems: options.chainPems ?? [],
    subject: cert.subject.replace(/\n/g, ', '),
    subjectDer,
    fingerprint: formatFingerprint(digest),
    candidateGuidPrefix: candidate,
    guidPrefix: adjustedGuidPrefix(subjectDer, candidate),
  };
}

/** The SPDP properties announcing `identity` (PID_PROPERTY_LIST, propagated). */
export function identityProperties(identity: ParticipantIdentity): { name: string; value: string }[] {
  return [
    { name: IDENTITY_FINGERPRINT_PROPERTY, value: `${FINGERPRINT_HASH} ${identity.fingerprint}` },
    { name: IDENTITY_SUBJECT_PROPERTY, value: identity.subject },
  ];
}

/** The fingerprint a participant announced, `AB:CD:…`, or undefined when it announced none or a malformed one. */
export function announcedFingerprint(properties: readonly { readonly name: string; readonly value: string }[]): string | undefined {
  const p = properties.find((x) => x.name === IDENTITY_FINGERPRINT_PROPERTY);
  if (p === undefined) return undefined;
  try {
    return normalizeFingerprint(p.value);
  } catch {
    return undefined;
  }
}

/**
 * Checks a certificate a peer presented (DTLS, or out of band) against its SPDP announcement: the
 * fingerprint it announced and the GUID prefix derived from the subject (§9.3.3).
 * @throws IdentityError (`fingerprint-mismatch`, `guid-mismatch`).
 */
export function checkAnnouncedIdentity(
  guidPrefix: Uint8Array, properties: readonly { readonly name: string; readonly value: string }[], verified: VerifiedCertificate,
): void {
  const announced = announcedFingerprint(properties);
  if (announced !== verified.fingerprint) {
    throw new IdentityError('fingerprint-mismatch', `announced ${announced ?? 'no fingerprint'}, presented ${verified.fingerprint}`);
  }
  if (!guidPrefixMatchesSubject(guidPrefix, verified.subjectDer)) {
    throw new IdentityError('guid-mismatch', 'the GUID prefix was not derived from the certificate subject');
  }
}
