import { describe, expect, it } from 'vitest';
import { destructiveMatches } from '../src/engine/destructive-commands.js';
import { renderCommand } from '../src/engine/render-command.js';

const self = { input: { node: '192.168.111.193', token: 's3cr3t-token', list: ['a', 'b'], map: { 'k.x': 'v' } }, id: 'abc' };
const sensitive = { input: { token: true } };

describe('renderCommand', () => {
  it('fills self.* from the prior values', () => {
    const r = renderCommand('talosctl reset --nodes ${self.input.node} --graceful=false --reboot', { self, selfSensitive: sensitive });
    expect(r).toEqual({ text: 'talosctl reset --nodes 192.168.111.193 --graceful=false --reboot', unresolved: [], masked: false });
  });

  it('masks sensitive values, also when a parent is masked', () => {
    const r = renderCommand('curl -H "X: ${self.input.token}" ${self.input.node}', { self, selfSensitive: sensitive });
    expect(r.text).toBe('curl -H "X: (sensitive)" 192.168.111.193');
    expect(r.masked).toBe(true);
    expect(renderCommand('${self.input.node}', { self, selfSensitive: { input: true } }).text).toBe('(sensitive)');
    expect(renderCommand('${self.input}', { self, selfSensitive: sensitive }).text).toBe('(sensitive)');
  });

  it('supports index and quoted-key traversals', () => {
    expect(renderCommand('${self.input.list[1]} ${self.input.map["k.x"]}', { self, selfSensitive: {} }).text).toBe('b v');
  });

  it('fills each.key, count.index and path.module from the instance', () => {
    expect(renderCommand('${each.key}/${path.module}', { self, selfSensitive: {}, key: 'powder', pathModule: 'modules/node' }).text).toBe(
      'powder/modules/node',
    );
    expect(renderCommand('node-${count.index}', { self, selfSensitive: {}, key: 2 }).text).toBe('node-2');
  });

  it('leaves what it cannot resolve as written', () => {
    const r = renderCommand('${var.x} ${upper(self.id)} ${each.key} ${self.missing} ${self.input.list} ${local.a["b"]}', { self, selfSensitive: {}, key: 3 });
    expect(r.text).toBe('${var.x} ${upper(self.id)} ${each.key} ${self.missing} ${self.input.list} ${local.a["b"]}');
    expect(r.unresolved).toHaveLength(6);
  });

  it('keeps escaped $${ and directives, strips ~ strip markers', () => {
    expect(renderCommand('echo $${HOME} %{ if true }x%{ endif } ${~ self.id ~}', { self, selfSensitive: {} }).text).toBe(
      'echo ${HOME} %{ if true }x%{ endif } abc',
    );
  });

  it('handles nested braces and an unterminated interpolation', () => {
    expect(renderCommand('${jsonencode({a = "}"})} ok', { self, selfSensitive: {} }).text).toBe('${jsonencode({a = "}"})} ok');
    expect(renderCommand('echo ${self.id', { self, selfSensitive: {} }).text).toBe('echo ${self.id');
  });
});

describe('destructive command patterns', () => {
  it.each([
    ['talosctl reset --nodes 1.2.3.4 --graceful=false --reboot', 'talosctl reset'],
    ['talosctl -n 1.2.3.4 reset', 'talosctl reset'],
    ['kubectl delete node storm', 'kubectl delete'],
    ['kubectl drain storm --ignore-daemonsets', 'kubectl drain'],
    ['rm -rf /var/lib/etcd', 'rm -r'],
    ['sudo rm -fr /data', 'rm -r'],
    ['wipefs -a /dev/sdb', 'wipefs'],
    ['dd if=/dev/zero of=/dev/sdb bs=1M', 'dd to a device'],
    ['mkfs.ext4 /dev/sdb1', 'mkfs'],
    ['iscsiadm -m node -T iqn.x -o delete', 'iscsiadm -o delete'],
    ['psql -c "DROP DATABASE app"', 'DROP DATABASE/TABLE/SCHEMA'],
    ['etcdctl member remove 8e9e05c52164694d', 'etcdctl member remove'],
    ['qm destroy 101 --purge', 'qm destroy'],
    ['ssh root@pve pct destroy 200', 'pct destroy'],
    ['zpool destroy tank', 'zfs/zpool destroy'],
  ])('%s is %s', (command, name) => {
    expect(destructiveMatches(command).map((m) => m.name)).toContain(name);
  });

  it.each(['echo done', 'kubectl get nodes', 'rm /tmp/lockfile', 'ls -la', 'talosctl health'])('%s is not destructive', (command) => {
    expect(destructiveMatches(command)).toEqual([]);
  });
});
