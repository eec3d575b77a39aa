/**
 * A participant identity kept in PEM files (docs/security.md): loads the certificate and key, or
 * generates a self-signed pair and writes it (key file mode 0600) when neither exists, so the
 * participant's GUID prefix survives restarts.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ParticipantIdentity } from '../security/index.js';
import { generateSelfSignedIdentity, IdentityError, loadIdentity } from '../security/index.js';

/** Options of {@link loadOrCreateIdentityFiles}. */
export interface IdentityFilesOptions {
  /** Certificate PEM path. */
  readonly certificatePath: string;
  /** Private key PEM path. */
  readonly privateKeyPath: string;
  /** Intermediate certificates (one PEM file, issuer first), sent with ours. */
  readonly chainPath?: string;
  /** Trusted CA certificates (PEM files): our own certificate must chain to one. */
  readonly trustedCaPaths?: readonly string[];
  /** When both files are missing: generate a self-signed identity with this CN. Omitted = missing files are an error. */
  readonly createCommonName?: string;
  /** Candidate GUID prefix (see {@link loadIdentity}); default derived from the certificate. */
  readonly candidateGuidPrefix?: Uint8Array;
  /** Wall-clock Unix ms; default `Date.now()`. */
  readonly nowMs?: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Splits a PEM bundle into its certificates. */
export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Loads (or first creates) the identity in `certificatePath`/`privateKeyPath`.
 * @throws IdentityError when only one of the two files exists, when they are missing and
 *   `createCommonName` is not set, or when loading fails (see {@link loadIdentity}); the file system's errors.
 */
export async function loadOrCreateIdentityFiles(options: IdentityFilesOptions): Promise<ParticipantIdentity> {
  const nowMs = options.nowMs ?? Date.now();
  const [hasCert, hasKey] = await Promise.all([exists(options.certificatePath), exists(options.privateKeyPath)]);
  if (hasCert !== hasKey) {
    throw new IdentityError('bad-pem', `${hasCert ? options.privateKeyPath : options.certificatePath} is missing while ${hasCert ? options.certificatePath : options.privateKeyPath} exists`);
  }
  if (!hasCert) {
    if (options.createCommonName === undefined) throw new IdentityError('bad-pem', `${options.certificatePath} does not exist`);
    const made = generateSelfSignedIdentity({ commonName: options.createCommonName, nowMs, randomBytes: (n) => new Uint8Array(randomBytes(n)) });
    await mkdir(dirname(options.certificatePath), { recursive: true });
    await mkdir(dirname(options.privateKeyPath), { recursive: true });
    await writeFile(options.privateKeyPath, made.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(options.certificatePath, made.certificatePem, { flag: 'wx' });
  }
  const [certificatePem, privateKeyPem] = await Promise.all([readFile(options.certificatePath, 'utf8'), readFile(options.privateKeyPath, 'utf8')]);
  const chainPems = options.chainPath === undefined ? [] : splitPemCertificates(await readFile(options.chainPath, 'utf8'));
  const trustedCaPems: string[] = [];
  for (const p of options.trustedCaPaths ?? []) trustedCaPems.push(...splitPemCertificates(await readFile(p, 'utf8')));
  return loadIdentity({
    certificatePem, privateKeyPem, chainPems, trustedCaPems, nowMs,
    ...(options.candidateGuidPrefix !== undefined && { candidateGuidPrefix: options.candidateGuidPrefix }),
  });
}
