import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

/**
 * Listens on `port`, or on the next free one when it is taken (up to 20 tries).
 * Port 0 asks the system for an ephemeral port. Returns the port listened on.
 */
export async function listenOnFreePort(app: FastifyInstance, host: string, port: number, onBusy: (port: number) => void): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = port === 0 ? 0 : port + attempt;
    try {
      await app.listen({ host, port: candidate });
      return (app.server.address() as AddressInfo).port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
      onBusy(candidate);
    }
  }
  throw new Error(`ports ${port}-${port + 19} are all taken: set http.port in the config or pass --port`);
}
