/**
 * What tfguard knows from the `.tf` sources that the plan JSON leaves out: destroy-time provisioners,
 * lifecycle settings, `removed` blocks, and where each block is declared. Plain data, so rules stay pure.
 */

export interface SourceProvisioner {
  /** `local-exec`, `remote-exec`, `file`. */
  type: string;
  /** hcl2json gives `when = destroy` as the string "${destroy}"; normalized here. */
  when: 'create' | 'destroy';
  onFailure: 'fail' | 'continue';
  /** local-exec `command`, raw, with its `${...}` templates as written. */
  command?: string;
  /** remote-exec `inline` lines, raw. */
  inline?: string[];
  /** remote-exec `script` / `scripts`, file `source`/`content`: whatever else says what runs. */
  script?: string;
  /** local-exec `interpreter`: the program and arguments the command is given to, raw, as written. */
  interpreter?: string[];
  /** local-exec `environment`: variables set for the command, values raw (`${...}` templates as written). */
  environment?: Record<string, string>;
  /**
   * `interpreter` or `environment` given as an expression tfguard cannot read (`interpreter = local.shell`,
   * `environment = var.env`), as written: what runs cannot be told from the sources alone.
   */
  opaque?: { interpreter?: string; environment?: string };
  /** Line in the file where the provisioner block starts (1-based), when it can be found. */
  line?: number;
}

export interface SourceLifecycle {
  preventDestroy: boolean;
  createBeforeDestroy: boolean;
  /** Raw references as written, `${...}` unwrapped: `terraform_data.x`, `terraform_data.y.output`. */
  replaceTriggeredBy: string[];
  ignoreChanges: string[] | 'all';
}

export interface SourceLocation {
  /** Path relative to the root module directory (`modules/node/main.tf`), or absolute when outside it. */
  file: string;
  /** 1-based line where the block starts. */
  line: number;
}

/**
 * A `# tfguard:allow RULE reason="..." expires=YYYY-MM-DD` comment (or `//`), as written: engine/inline-waivers.ts
 * reads and checks it. `text` is what follows `tfguard:`.
 */
export interface DirectiveComment {
  /** The file, as blocks name theirs. */
  file: string;
  /** 1-based line of the comment. */
  line: number;
  text: string;
}

export interface ResourceBlock extends SourceLocation {
  /** Group address: module path without keys + `type.name` (`module.node.terraform_data.reset`). */
  groupAddress: string;
  /** Module path without keys (`module.node`), '' for the root module. */
  module: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  hasCount: boolean;
  hasForEach: boolean;
  provisioners: SourceProvisioner[];
  lifecycle: SourceLifecycle;
  /** `tfguard:` comments in the run of comment lines right above the block header. */
  directives?: DirectiveComment[];
}

export interface RemovedBlock extends SourceLocation {
  /** Group address of what it removes (module path + `from`, without keys). */
  groupAddress: string;
  module: string;
  /** `from` as written. */
  from: string;
  /** `lifecycle { destroy = false }` forgets instead of destroying. Default true. */
  destroy: boolean;
  provisioners: SourceProvisioner[];
  /** `tfguard:` comments right above the block header. */
  directives?: DirectiveComment[];
}

export interface ModuleInstanceDir {
  /** Module path without keys (`module.a.module.b`), '' for root. */
  module: string;
  /** Absolute directory of its sources. */
  dir: string;
  /** `source` as written in the module call (empty for root). */
  source: string;
}

export interface Sources {
  /** Absolute root module directory. */
  root: string;
  modules: ModuleInstanceDir[];
  /** Resource blocks by group address. */
  blocks: Map<string, ResourceBlock>;
  removed: RemovedBlock[];
  /** Module calls whose sources could not be found (registry module before `terraform init`, say). */
  missingModules: { module: string; source: string }[];
  /** `tfguard:` comments that are not right above a resource or removed block: an error where they are read. */
  strayDirectives?: DirectiveComment[];
}
