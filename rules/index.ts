/** The rule registry, sorted by id. A test fails when a rule file is missing here, untested or undocumented. */
import type { Rule } from '../src/engine/types.js';
import actionInvocation from './action-invocation.js';
import blastRadius from './blast-radius.js';
import destroyProvisioner from './destroy-provisioner.js';
import foundationDestroy from './foundation-destroy.js';
import massDestroy from './mass-destroy.js';
import planIncomplete from './plan-incomplete.js';
import probableRename from './probable-rename.js';
import protectedResource from './protected-resource.js';
import providerDestroyHook from './provider-destroy-hook.js';
import resetOnDestroyReplaced from './reset-on-destroy-replaced.js';
import statefulDestroy from './stateful-destroy.js';
import unexpectedChange from './unexpected-change.js';

export const RULES: readonly Rule[] = [
  actionInvocation,
  blastRadius,
  destroyProvisioner,
  foundationDestroy,
  massDestroy,
  planIncomplete,
  probableRename,
  protectedResource,
  providerDestroyHook,
  resetOnDestroyReplaced,
  statefulDestroy,
  unexpectedChange,
] as unknown as readonly Rule[];
