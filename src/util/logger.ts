/** Structured, scoped logging (STYLE.md rule 14). Messages are constant strings; data goes in fields. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  /** True when `debug` records are kept; test it before building expensive fields. */
  readonly enabled: boolean;
  readonly scope: string;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(name: string): Logger;
}

export interface LogRecord {
  readonly level: LogLevel;
  readonly scope: string;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A logger that hands each record to `sink`; `debug` records only when `debugEnabled`. */
export function createLogger(sink: (record: LogRecord) => void, scope = 'rtps-ice', debugEnabled = false): Logger {
  const make = (s: string): Logger => ({
    enabled: debugEnabled,
    scope: s,
    debug: (message, fields) => {
      if (debugEnabled) sink({ level: 'debug', scope: s, message, fields });
    },
    info: (message, fields) => { sink({ level: 'info', scope: s, message, fields }); },
    warn: (message, fields) => { sink({ level: 'warn', scope: s, message, fields }); },
    error: (message, fields) => { sink({ level: 'error', scope: s, message, fields }); },
    child: (name) => make(`${s}:${name}`),
  });
  return make(scope);
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger(() => undefined);
