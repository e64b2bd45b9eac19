/** The `-target` addresses among the options `tfguard apply` passes to `terraform plan`, as given. */
export function planTargets(planArgs: readonly string[]): string[] {
  const targets: string[] = [];
  for (let i = 0; i < planArgs.length; i++) {
    const arg = planArgs[i]!;
    if (arg.startsWith('-target=')) targets.push(arg.slice('-target='.length));
    else if (arg === '-target' && planArgs[i + 1] !== undefined) targets.push(planArgs[++i]!);
  }
  return targets;
}
