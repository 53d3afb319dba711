import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; JSON lines on stdout (or stderr for CLI commands that print results). */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino({ level, base: { app: 'flywheel' } }, pino.destination(destination));
}
