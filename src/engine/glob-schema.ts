/** The config's glob strings (`protect`, waiver addresses, rule options that are globs), checked at load time. */
import { z } from 'zod';
import { globProblem } from './glob.js';

export const GlobPattern = z
  .string()
  .min(1, 'a glob cannot be empty')
  .superRefine((pattern, ctx) => {
    const problem = globProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
