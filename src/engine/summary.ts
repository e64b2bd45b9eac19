/** Counting a plan's changes the way Terraform's own summary line does. */
import type { Plan } from '../plan/model.js';

export interface Summary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  forget: number;
  import: number;
}

export function summarize(plan: Plan): Summary {
  const s: Summary = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, import: 0 };
  for (const c of plan.changes) {
    if (c.mode !== 'managed') continue;
    if (c.importing) s.import++;
    if (c.action === 'create' || c.action === 'update' || c.action === 'replace' || c.action === 'delete') s[c.action]++;
    if (c.action === 'forget') s.forget++;
    if (c.actions.length === 2 && c.actions[0] === 'create' && c.actions[1] === 'forget') s.create++;
  }
  return s;
}

/** `Plan: 3 to add, 3 to change, 3 to destroy (3 replaced).` — Terraform's words; a replace adds and destroys. */
export function summaryLine(s: Summary): string {
  const parts = [`${s.create + s.replace} to add`, `${s.update} to change`, `${s.delete + s.replace} to destroy`];
  if (s.import > 0) parts.unshift(`${s.import} to import`);
  if (s.forget > 0) parts.push(`${s.forget} to forget`);
  const replaced = s.replace > 0 ? ` (${s.replace} replaced: destroyed and created again)` : '';
  return `Plan: ${parts.join(', ')}${replaced}.`;
}
