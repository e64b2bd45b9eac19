import { describe, expect, it } from 'vitest';
import { destructiveMatches } from '../src/engine/destructive-commands.js';
import { substituteEnvironment, whatRuns } from '../src/engine/what-runs.js';
import type { SourceProvisioner } from '../src/hcl/types.js';

const asWritten = (t: string) => t.replaceAll('$${', '${');
const localExec = (p: Partial<SourceProvisioner>): SourceProvisioner => ({ type: 'local-exec', when: 'destroy', onFailure: 'fail', ...p });

describe('substituteEnvironment', () => {
  it('replaces $NAME, ${NAME} and ${NAME:-default} for the names it sets, and nothing else', () => {
    const env = { ACTION: 'wipefs -a', TARGET: '/dev/sdb' };
    expect(substituteEnvironment('$ACTION ${TARGET}', env)).toBe('wipefs -a /dev/sdb');
    expect(substituteEnvironment('${ACTION:-echo} $TARGET2 $HOME', env)).toBe('wipefs -a $TARGET2 $HOME');
    expect(substituteEnvironment('${self.input.x} $toString', { toString: 'x' })).toBe('${self.input.x} x');
    expect(substituteEnvironment('$constructor', {})).toBe('$constructor');
  });
});

describe('whatRuns', () => {
  it('puts the interpreter before the command: the program may be in the interpreter alone', () => {
    const runs = whatRuns(localExec({ interpreter: ['talosctl', 'reset', '--nodes'], command: '${self.input.node}' }), (t) =>
      t.replace('${self.input.node}', '10.0.0.1'),
    );
    expect(runs).toEqual({ text: 'talosctl reset --nodes 10.0.0.1' });
    expect(destructiveMatches(runs.text).map((d) => d.name)).toEqual(['talosctl reset']);
  });

  it('quotes the command as the one argument it is after an interpreter', () => {
    const runs = whatRuns(localExec({ interpreter: ['/bin/bash', '-c'], command: 'rm -rf /var/lib/etcd; echo done' }), asWritten);
    expect(runs.text).toBe("/bin/bash -c 'rm -rf /var/lib/etcd; echo done'");
    expect(destructiveMatches(runs.text).map((d) => d.name)).toEqual(['rm -r']);
  });

  it("substitutes the environment, rendered, into the command ($${NAME} is the shell's ${NAME})", () => {
    const runs = whatRuns(localExec({ command: '$ACTION $${TARGET}', environment: { ACTION: 'wipefs -a', TARGET: '${self.input.disk}' } }), (t) =>
      asWritten(t).replace('${self.input.disk}', '/dev/sdb'),
    );
    expect(runs).toEqual({ text: 'wipefs -a /dev/sdb' });
  });

  it('says when what runs cannot be told: an interpreter or environment given as an expression, a program from a variable', () => {
    expect(whatRuns(localExec({ command: 'echo bye', opaque: { interpreter: '${local.shell}' } }), asWritten).unknown).toContain(
      'its interpreter is ${local.shell}',
    );
    const env = whatRuns(localExec({ command: '$ACTION $TARGET', opaque: { environment: '${var.env}' } }), asWritten);
    expect(env.unknown).toContain('its environment is ${var.env}');
    expect(env.unknown).toContain('$ACTION, $TARGET');
    expect(whatRuns(localExec({ command: '${self.triggers.cmd}' }), asWritten).unknown).toContain('the program it runs is ${self.triggers.cmd}');
    expect(whatRuns(localExec({ command: '$CMD --all' }), asWritten).unknown).toContain('the program it runs is $CMD');
  });

  it('stays quiet where it can tell: a plain command, a known program with variables in its arguments', () => {
    expect(whatRuns(localExec({ command: 'echo "bye ${self.id}" >> $HOME/log' }), asWritten).unknown).toBeUndefined();
    expect(whatRuns(localExec({ command: '${path.module}/teardown.sh' }), asWritten).unknown).toBeUndefined();
    expect(whatRuns(localExec({ command: 'echo $X', opaque: { environment: '${var.env}' }, environment: undefined }), asWritten).unknown).toBeDefined();
  });

  it('joins remote-exec lines, shows a script as it is', () => {
    expect(whatRuns({ type: 'remote-exec', when: 'destroy', onFailure: 'fail', inline: ['kubectl drain n1', 'rm -rf /x'] }, asWritten).text).toBe(
      'kubectl drain n1; rm -rf /x',
    );
    expect(whatRuns({ type: 'remote-exec', when: 'destroy', onFailure: 'fail', script: 'scripts/wipe.sh' }, asWritten).text).toBe('scripts/wipe.sh');
  });
});
