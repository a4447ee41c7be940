// node-opcua writes warnings and errors to the console; Loom sends them to its logger instead.
import { setErrorLogger, setWarningLogger } from 'node-opcua';

/**
 * Sends node-opcua's console warnings and errors to `sink` (process-wide), or drops them.
 *
 * @example quietOpcUa((message) => logger.debug({ source: 'node-opcua' }, message));
 */
export function quietOpcUa(sink: (message: string) => void = () => undefined): void {
  const log = (...args: unknown[]) => sink(args.map(String).join(' '));
  setWarningLogger(log);
  setErrorLogger(log);
}
