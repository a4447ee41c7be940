import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBrokerOptions {
  /** Wanted port (default 1883); the next free one is taken when it is busy. 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, clients must connect with this user name and password. */
  username?: string;
  password?: string;
  /** Called for every port found busy before the one that was taken. */
  onPortBusy?: (port: number) => void;
  /** How many ports after `port` are tried. Default 20. */
  portAttempts?: number;
}

/**
 * An MQTT broker inside the Loom process: aedes on a TCP server. `start()` listens (on the next free
 * port when the wanted one is taken); `stop()` closes every client socket and the server. A stopped
 * broker can be started again (a fresh aedes instance, so retained messages do not survive).
 *
 * @example
 * const broker = new EmbeddedBroker({ port: 1883, onPortBusy: (p) => log.warn(`MQTT port ${p} is taken`) });
 * await broker.start();
 * console.log(broker.url); // mqtt://127.0.0.1:1884 when 1883 was taken
 * await broker.stop();
 */
export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private readonly wantedPort: number;
  readonly host: string;

  constructor(private readonly options: EmbeddedBrokerOptions = {}) {
    this.wantedPort = options.port ?? 1883;
    this.host = options.host ?? '127.0.0.1';
  }

  /** The port listened on (0 before start). */
  get port(): number {
    return this.boundPort;
  }

  /** `mqtt://host:port` for clients; a wildcard listen address becomes 127.0.0.1. */
  get url(): string {
    const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mqtt://${host}:${this.boundPort}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Clients connected now. */
  get clients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  /** Starts listening; resolves with the port taken. Restart after `stop()` with the port of `startAt` (or the same wanted port). */
  async start(port = this.boundPort || this.wantedPort): Promise<number> {
    if (this.server) throw new Error(`the embedded MQTT broker is already listening on port ${this.boundPort}: stop it first`);
    const aedes = await Aedes.createBroker({ id: 'loom' });
    const { username, password } = this.options;
    if (username !== undefined || password !== undefined) {
      aedes.authenticate = (_client, user, pass, done) => {
        const ok = user === (username ?? '') && (pass?.toString('utf8') ?? '') === (password ?? '');
        if (ok) return done(null, true);
        const error = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
        done(error, false);
      };
    }
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      aedes.handle(socket);
    });
    const attempts = port === 0 ? 1 : (this.options.portAttempts ?? 20);
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const candidate = port === 0 ? 0 : port + attempt;
      try {
        await listen(server, candidate, this.host);
        this.aedes = aedes;
        this.server = server;
        this.boundPort = (server.address() as AddressInfo).port;
        return this.boundPort;
      } catch (error) {
        lastError = error;
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) break;
        this.options.onPortBusy?.(candidate);
      }
    }
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if ((lastError as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
      throw new Error(`MQTT ports ${port}-${port + attempts - 1} on ${this.host} are all taken: set mqtt.broker.port in the config, or point mqtt.url at the broker already running`);
    }
    throw new Error(`the embedded MQTT broker cannot listen on ${this.host}:${port}: ${(lastError as Error)?.message}`);
  }

  /** Closes every client connection, then the server. Safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    const aedes = this.aedes;
    this.server = undefined;
    this.aedes = undefined;
    if (!server || !aedes) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // aedes ends its clients politely; a client that does not answer must not keep the port open.
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
