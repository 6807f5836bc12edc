/**
 * TLS on loopback: the Stake clients hard-code `https://${rgs_url}`, so a local RGS needs a
 * certificate they trust. On demand we create, in `<dataDir>/tls/`, a private CA (P-256, 10 years)
 * and a server certificate it signs for localhost / 127.0.0.1 / ::1 (P-256, 397 days), and reuse
 * them while they are valid. Clients trust the CA through NODE_EXTRA_CA_CERTS=<ca.pem> (Node) or
 * by importing ca.pem (browsers). Keys are written 0600 and never leave the data dir.
 *
 * Certificates are generated with `selfsigned` (pure JS over WebCrypto; no download, no openssl).
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3_650;
const SERVER_LIFETIME_DAYS = 397;
/** Renew the server certificate when it has less than this left. */
const RENEW_BEFORE_DAYS = 7;

export interface LoopbackTls {
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** True when this call created the files (false: reused). */
  readonly created: boolean;
}

function validFor(pem: string, nowMs: number, marginMs: number): X509Certificate | null {
  try {
    const cert = new X509Certificate(pem);
    const notAfterMs = Date.parse(cert.validTo);
    const notBeforeMs = Date.parse(cert.validFrom);
    return notBeforeMs <= nowMs && nowMs + marginMs < notAfterMs ? cert : null;
  } catch {
    return null;
  }
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Creates (or reuses) the loopback CA and server certificate under `<dataDir>/tls`. */
export async function ensureLoopbackTls(dataDir: string, nowMs: number = Date.now()): Promise<LoopbackTls> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');
  let created = false;

  let caPem = existsSync(caPath) ? readFileSync(caPath, 'utf8') : '';
  let caKeyPem = existsSync(caKeyPath) ? readFileSync(caKeyPath, 'utf8') : '';
  let caCert = caKeyPem === '' ? null : validFor(caPem, nowMs, SERVER_LIFETIME_DAYS * DAY_MS);
  if (caCert === null) {
    const notBeforeDate = new Date(nowMs - DAY_MS);
    const ca = await selfsigned.generate([{ name: 'commonName', value: 'Croupier loopback CA' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate: new Date(nowMs + CA_LIFETIME_DAYS * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    caPem = ca.cert;
    caKeyPem = ca.private;
    writePrivate(caKeyPath, caKeyPem);
    writeFileSync(caPath, caPem);
    caCert = new X509Certificate(caPem);
    created = true;
  }

  let certPem = existsSync(certPath) ? readFileSync(certPath, 'utf8') : '';
  let keyPem = existsSync(keyPath) ? readFileSync(keyPath, 'utf8') : '';
  const serverCert = keyPem === '' ? null : validFor(certPem, nowMs, RENEW_BEFORE_DAYS * DAY_MS);
  if (
    created ||
    serverCert === null ||
    !serverCert.checkIssued(caCert) ||
    !serverCert.verify(caCert.publicKey)
  ) {
    const server = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(nowMs - DAY_MS),
      notAfterDate: new Date(nowMs + SERVER_LIFETIME_DAYS * DAY_MS),
      ca: { key: caKeyPem, cert: caPem },
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    certPem = server.cert;
    keyPem = server.private;
    writePrivate(keyPath, keyPem);
    writeFileSync(certPath, certPem);
    created = true;
  }
  return { caPath, certPath, keyPath, caPem, certPem, keyPem, created };
}
