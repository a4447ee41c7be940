// The node-opcua server settings Loom's servers share (factory simulator, test and bench servers).
import { join } from 'node:path';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy } from 'node-opcua';

export interface OpcUaServerBaseOptions {
  /** TCP port; 0 = ephemeral. Default 4840. */
  port?: number;
  /** Host name in the endpoint URL and the one listened on. Default 127.0.0.1. */
  hostname?: string;
  /** Folder of the server's certificate and trust list (never the home folder). */
  pkiDir: string;
  /** Accepted user names and passwords; none = anonymous only. */
  users?: Record<string, string>;
  /** Default true. */
  allowAnonymous?: boolean;
  /** Trust any client certificate (fine for a local simulator). Default true. */
  acceptUnknownClients?: boolean;
}

/** A node-opcua server with None, Sign and SignAndEncrypt endpoints and its PKI under `pkiDir`; not started. */
export async function createOpcUaServer(options: OpcUaServerBaseOptions, productName: string): Promise<OPCUAServer> {
  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: join(options.pkiDir, 'server'), automaticallyAcceptUnknownCertificate: options.acceptUnknownClients ?? true });
  const userCertificateManager = new OPCUACertificateManager({ rootFolder: join(options.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: false });
  await serverCertificateManager.initialize();
  await userCertificateManager.initialize();
  const users = options.users ?? {};
  const hostname = options.hostname ?? '127.0.0.1';
  const server = new OPCUAServer({
    port: options.port ?? 4840,
    hostname,
    alternateHostname: [hostname],
    serverCertificateManager,
    userCertificateManager,
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss],
    allowAnonymous: options.allowAnonymous ?? true,
    userManager: { isValidUser: (userName: string, password: string) => Object.hasOwn(users, userName) && users[userName] === password },
    buildInfo: { productName, manufacturerName: 'Loom' },
    serverInfo: { applicationName: { text: productName, locale: 'en' } },
    maxConnectionsPerEndpoint: 100,
    serverCapabilities: { maxSessions: 100, operationLimits: { maxMonitoredItemsPerCall: 10_000, maxNodesPerRead: 10_000, maxNodesPerBrowse: 10_000 } },
  });
  await server.initialize();
  return server;
}

/** The port a started server listens on (useful with port 0). */
export function serverPort(server: OPCUAServer): number {
  const endpoint = server.endpoints[0] as unknown as { port: number };
  return endpoint.port;
}
