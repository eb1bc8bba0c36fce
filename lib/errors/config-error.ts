// lib/errors/config-error.ts
// Programmer errors: thrown synchronously by passwordGrant() when an option is wrong, each with a stable code.

export type ConfigErrorCode =
  'ERR_EPG_INVALID_OPTION' | 'ERR_EPG_MISSING_OPTION' | 'ERR_EPG_UNKNOWN_OPTION' | 'ERR_EPG_WEAK_KEY' | 'ERR_EPG_UNSUPPORTED_ALG' | 'ERR_EPG_INVALID_STORE';

/**
 * Thrown at construction time; `message` names the option path, `code` is stable for `switch`.
 * @example try { passwordGrant({}) } catch (e) { if (e.code === 'ERR_EPG_MISSING_OPTION') ... }
 */
export class ConfigError extends TypeError {
  readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
  }
}
