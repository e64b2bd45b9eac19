/**
 * Generated HCL: the exact blocks advice tells a person to write. Each shape here is proven by a real terraform
 * re-plan in the tests (test/advice-replan.test.ts): valid, and the destroy it was written for is gone.
 */
import type { PathStep } from '../plan/model.js';

/** The attribute a replace path starts with (`triggers_replace`), for `ignore_changes`; undefined for none. */
export function attributeOf(path: readonly PathStep[]): string | undefined {
  const first = path[0];
  return typeof first === 'string' && /^[A-Za-z_][\w-]*$/.test(first) ? first : undefined;
}

/** `lifecycle { ignore_changes = [a, b] }`, one line per row. */
export function ignoreChangesBlock(attributes: readonly string[]): string[] {
  return ['lifecycle {', `  ignore_changes = [${attributes.join(', ')}]`, '}'];
}

/**
 * `removed { from = ADDRESS lifecycle { destroy = false } }` (Terraform/OpenTofu 1.7+): Terraform forgets every
 * instance of the resource without destroying it, so no destroy-time provisioner and no provider destroy runs.
 * `from` is the resource address without instance keys (module path included, from the root module).
 */
export function removedBlock(from: string): string[] {
  return ['removed {', `  from = ${from}`, '  lifecycle {', '    destroy = false', '  }', '}'];
}
