import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import { type Logger } from '../config/logger';

let installed = false;

/** Routes the Temporal SDK's own logs through pino (once per process; Runtime is a singleton). */
export function installTemporalLogger(logger: Logger): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal-sdk' });
  const level = ({ trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' } as const)[
    logger.level as 'info'
  ] as LogLevel;
  try {
    Runtime.install({
      logger: new DefaultLogger(level ?? 'WARN', (entry) => {
        const fields = { ...entry.meta };
        if (logger.level === 'silent') return;
        if (entry.level === 'ERROR') log.error(fields, entry.message);
        else if (entry.level === 'WARN') log.warn(fields, entry.message);
        else if (entry.level === 'INFO') log.info(fields, entry.message);
        else log.debug(fields, entry.message);
      }),
    });
  } catch {
    // Another part of the process (a test harness) installed the runtime first; keep its logger.
  }
}
