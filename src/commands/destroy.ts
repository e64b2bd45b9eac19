/** `tfguard destroy ARGS` = `tfguard apply -destroy ARGS`, as `terraform destroy` is `terraform apply -destroy`. */
import { apply } from './apply.js';

export function destroy(argv: readonly string[]): Promise<number> {
  return apply(argv, 'destroy');
}
