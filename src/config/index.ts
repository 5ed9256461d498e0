import { CoreSettings, parseCoreSettings } from './coreSettings';
import { Env } from './settingsFragment';

/** Thrown when the environment is incomplete or wrong; lists every problem at once. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Configuration is incomplete or invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The whole application's configuration, frozen. */
export type AppConfig = Readonly<CoreSettings>;

/** Parses the environment once; throws ConfigError naming every missing or bad setting. */
export function loadConfig(env: Env): AppConfig {
  const core = parseCoreSettings(env);
  const errors = [...core.errors];
  if (errors.length > 0) throw new ConfigError(errors);
  return deepFreeze({ ...core.value });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
