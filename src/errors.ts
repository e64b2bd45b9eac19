/**
 * Typed errors, caught in one place (src/cli.ts). Every one of them exits 2: tfguard fails closed, so an
 * error never lets an apply through.
 */
export class TfguardError extends Error {
  override name = 'TfguardError';
}

/** The command line is wrong: unknown option, bad value, missing argument. */
export class UsageError extends TfguardError {
  override name = 'UsageError';
}

/** An input (plan, config, sources) cannot be read or is not what it claims to be. */
export class InputError extends TfguardError {
  override name = 'InputError';
}

/** The terraform/tofu binary is missing or failed. */
export class TerraformError extends TfguardError {
  override name = 'TerraformError';
}
