// Loom's OPC UA application certificate and trust list, in a folder under Loom's data folder.
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';

/** A certificate in the trust list or the rejected list. */
export interface CertificateInfo {
  /** SHA-1 thumbprint, lower-case hex (what OPC UA tools show). */
  thumbprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** The application URI from the subject alternative name, when present. */
  applicationUri?: string;
  file: string;
}

/**
 * The PKI folder: `own/` (Loom's certificate and key, created on first use), `trusted/`, `rejected/`,
 * `issuers/`. A server certificate Loom does not trust yet lands in `rejected/`; `trust(thumbprint)`
 * moves it to `trusted/`, and the next connection attempt succeeds.
 *
 * @example
 * const pki = new OpcUaPki(join(dataDir, 'pki', 'opcua'));
 * for (const c of await pki.rejected()) console.log(c.thumbprint, c.subject);
 * await pki.trust('b52ed190b90a5c723abbb55a6b50a3e654ed5bdc');
 */
export class OpcUaPki {
  readonly manager: OPCUACertificateManager;
  private initialised: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    options: { acceptUnknown?: boolean } = {},
  ) {
    this.manager = new OPCUACertificateManager({ rootFolder: dir, automaticallyAcceptUnknownCertificate: options.acceptUnknown ?? false });
  }

  /** Creates the folders (idempotent). */
  init(): Promise<void> {
    return (this.initialised ??= this.manager.initialize());
  }

  /** Certificates of servers Loom refused because nobody trusted them yet. */
  async rejected(): Promise<CertificateInfo[]> {
    await this.init();
    return listCertificates(join(this.dir, 'rejected'));
  }

  /** Certificates Loom trusts. */
  async trusted(): Promise<CertificateInfo[]> {
    await this.init();
    return listCertificates(join(this.dir, 'trusted', 'certs'));
  }

  /** Trusts a rejected certificate by its thumbprint; throws when no rejected certificate has it. */
  async trust(thumbprint: string): Promise<CertificateInfo> {
    const wanted = normaliseThumbprint(thumbprint);
    const certificate = (await this.rejected()).find((c) => c.thumbprint === wanted);
    if (!certificate) throw new Error(`no rejected certificate has thumbprint ${wanted}: list them with rejected() (they appear after a refused connection)`);
    await this.manager.trustCertificate(new X509Certificate(readFileSync(certificate.file)).raw);
    return certificate;
  }
}

/** `AB:CD:...` or `abcd...` -> `abcd...`. */
export function normaliseThumbprint(thumbprint: string): string {
  return thumbprint.replace(/[:\s]/g, '').toLowerCase();
}

function listCertificates(folder: string): CertificateInfo[] {
  if (!existsSync(folder)) return [];
  const result: CertificateInfo[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (!/\.(pem|der|crt)$/i.test(name)) continue;
    const file = join(folder, name);
    try {
      const x = new X509Certificate(readFileSync(file));
      const uri = /URI:([^,\s]+)/.exec(x.subjectAltName ?? '')?.[1];
      result.push({ thumbprint: normaliseThumbprint(x.fingerprint), subject: x.subject.replace(/\n/g, ', '), issuer: x.issuer.replace(/\n/g, ', '), validFrom: x.validFrom, validTo: x.validTo, applicationUri: uri, file });
    } catch {
      // not a certificate: skip it
    }
  }
  return result;
}
