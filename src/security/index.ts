/**
 * What other folders may use from `security/`: participant identities (X.509, DDS Security 1.1
 * §9.3.3 GUID prefixes, SHA-256 fingerprints), see docs/security.md.
 */
export {
  adjustedGuidPrefix, announcedFingerprint, certificateFingerprint, checkAnnouncedIdentity, generateCaSignedIdentity,
  generateSelfSignedIdentity, guidPrefixMatchesSubject, IDENTITY_FINGERPRINT_PROPERTY, IDENTITY_SUBJECT_PROPERTY, IdentityError,
  identityProperties, loadIdentity, normalizeFingerprint, subjectNameDer, verifyCertificate,
  type CaSignedOptions, type IdentityErrorCode, type LoadIdentityOptions, type ParticipantIdentity, type SelfSignedOptions,
  type TrustOptions, type VerifiedCertificate,
} from './identity.js';
