/**
 * tfguard's own package: where it is installed (its schema and README ship with it) and where it is published.
 * Links in reports read away from the installation (a pull-request comment, code scanning) come from the
 * package's `homepage` or `repository` field; a package without either gets no links, never a made-up one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PackageJson {
  name?: string;
  version?: string;
  homepage?: string;
  repository?: string | { type?: string; url?: string; directory?: string };
}

let found: { root: string; json: PackageJson } | null | undefined;

/** The package root: one folder up from src/ (vitest), two from dist/src/ (built). Only tfguard's package.json counts. */
export function ownPackage(): { root: string; json: PackageJson } | undefined {
  if (found !== undefined) return found ?? undefined;
  found = null;
  for (const up of ['../', '../../']) {
    try {
      const url = new URL(`${up}package.json`, import.meta.url);
      const json = JSON.parse(readFileSync(url, 'utf8')) as PackageJson;
      if (json.name !== 'tfguard') continue;
      found = { root: fileURLToPath(new URL(up, import.meta.url)), json };
      break;
    } catch {
      // not this layout
    }
  }
  return found ?? undefined;
}

/** A repository field as a web address: `git+https://host/o/r.git` -> `https://host/o/r`; `github:o/r`, `o/r` -> GitHub. */
export function repositoryWebUrl(repository: PackageJson['repository']): string | undefined {
  const raw = typeof repository === 'string' ? repository : repository?.url;
  if (!raw) return undefined;
  const short = /^(?:(github|gitlab|bitbucket):)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (short) return `https://${short[1] === 'gitlab' ? 'gitlab.com' : short[1] === 'bitbucket' ? 'bitbucket.org' : 'github.com'}/${short[2]}`;
  const url = raw
    .replace(/^git\+/, '')
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/^(?:git|ssh):\/\/(?:[^@/]+@)?/, 'https://')
    .replace(/\.git$/, '');
  return /^https?:\/\/[^/]+\/\S+$/.test(url) ? url : undefined;
}

/** Where the README is read online: `homepage` (without its fragment), else the repository's web page. */
export function docsBaseUrl(pkg: PackageJson | undefined = ownPackage()?.json): string | undefined {
  const home = pkg?.homepage?.replace(/#.*$/, '');
  if (home && /^https?:\/\/\S+$/.test(home)) return home;
  return repositoryWebUrl(pkg?.repository);
}
