import { AcknowledgementSettings, parseAcknowledgementSettings } from './acknowledgementSettings';
import { ConcernSettings, parseConcernSettings } from './concernSettings';
import { CoreSettings, parseCoreSettings } from './coreSettings';
import { DeliverySettings, parseDeliverySettings } from './deliverySettings';
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
export type AppConfig = Readonly<CoreSettings & {
  acknowledgement: AcknowledgementSettings;
  delivery: DeliverySettings;
  concerns: ConcernSettings;
}>;

/** Parses the environment once; throws ConfigError naming every missing or bad setting. */
export function loadConfig(env: Env): AppConfig {
  const core = parseCoreSettings(env);
  const acknowledgement = parseAcknowledgementSettings(env, core.value.mode);
  const delivery = parseDeliverySettings(env, core.value.mode);
  const concerns = parseConcernSettings(env, core.value.mode);
  const errors = [...core.errors, ...acknowledgement.errors, ...delivery.errors, ...concerns.errors];
  if (errors.length > 0) throw new ConfigError(errors);
  return deepFreeze({
    ...core.value,
    acknowledgement: acknowledgement.value,
    delivery: delivery.value,
    concerns: concerns.value,
  });
}

function deepFreeze<T>(value: T): T {
  // Buffers (keys) cannot be frozen and are not configuration structure.
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
