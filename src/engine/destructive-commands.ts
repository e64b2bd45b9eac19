/**
 * Shell commands that destroy something beyond the Terraform object: a node, a disk, a database, a volume.
 * A destroy-time provisioner running one of these is called out by name in the finding.
 */
export interface DestructivePattern {
  name: string;
  pattern: RegExp;
  what: string;
}

export const DESTRUCTIVE_COMMANDS: readonly DestructivePattern[] = [
  { name: 'talosctl reset', pattern: /\btalosctl\b[^\n;|&]*\breset\b/, what: 'wipes a Talos node and removes it from the cluster' },
  { name: 'kubeadm reset', pattern: /\bkubeadm\s+reset\b/, what: 'tears down a Kubernetes node' },
  { name: 'kubectl delete', pattern: /\bkubectl\b[^\n;|&]*\bdelete\b/, what: 'deletes Kubernetes objects' },
  { name: 'kubectl drain', pattern: /\bkubectl\b[^\n;|&]*\bdrain\b/, what: 'evicts every pod from a node' },
  { name: 'etcdctl member remove', pattern: /\betcdctl\b[^\n;|&]*\bmember\s+remove\b/, what: 'removes an etcd member (quorum)' },
  { name: 'rm -r', pattern: /\brm\s+(?:-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\b/, what: 'deletes files recursively' },
  { name: 'wipefs', pattern: /\bwipefs\b/, what: 'erases filesystem signatures from a disk' },
  { name: 'dd to a device', pattern: /\bdd\b[^\n;|&]*\bof=\/dev\//, what: 'overwrites a block device' },
  { name: 'mkfs', pattern: /\bmkfs(?:\.\w+)?\b/, what: 'formats a disk' },
  { name: 'sgdisk --zap-all', pattern: /\bsgdisk\b[^\n;|&]*(?:--zap-all|-Z)\b/, what: 'destroys a partition table' },
  { name: 'shred', pattern: /\bshred\b/, what: 'overwrites files or devices' },
  { name: 'iscsiadm -o delete', pattern: /\biscsiadm\b[^\n;|&]*-o\s+delete\b/, what: 'deletes iSCSI targets' },
  { name: 'DROP DATABASE/TABLE/SCHEMA', pattern: /\bdrop\s+(?:database|table|schema)\b/i, what: 'drops a database object' },
  { name: 'TRUNCATE', pattern: /\btruncate\s+(?:table\s+)?[\w".]+/i, what: 'empties a database table' },
  { name: 'qm destroy', pattern: /\bqm\s+destroy\b/, what: 'destroys a Proxmox VM' },
  { name: 'pct destroy', pattern: /\bpct\s+destroy\b/, what: 'destroys a Proxmox container' },
  { name: 'virsh destroy/undefine', pattern: /\bvirsh\s+(?:destroy|undefine)\b/, what: 'stops or removes a libvirt VM' },
  { name: 'zfs/zpool destroy', pattern: /\bz(?:fs|pool)\s+destroy\b/, what: 'destroys a ZFS dataset or pool' },
  { name: 'lvremove/vgremove/pvremove', pattern: /\b(?:lv|vg|pv)remove\b/, what: 'removes LVM volumes' },
  { name: 'ceph osd purge/destroy', pattern: /\bceph\s+osd\s+(?:purge|destroy)\b/, what: 'removes a Ceph OSD' },
  { name: 'helm uninstall', pattern: /\bhelm\s+(?:uninstall|delete)\b/, what: 'uninstalls a Helm release' },
  { name: 'aws s3 rm/rb', pattern: /\baws\s+s3\s+(?:rm|rb)\b/, what: 'deletes S3 objects or buckets' },
  { name: 'docker rm/volume rm', pattern: /\bdocker\s+(?:rm|volume\s+rm|system\s+prune)\b/, what: 'removes containers or volumes' },
  { name: 'terraform destroy', pattern: /\b(?:terraform|tofu)\s+destroy\b/, what: 'destroys another Terraform configuration' },
  { name: 'reboot/shutdown', pattern: /\b(?:reboot|shutdown|poweroff|halt)\b/, what: 'takes a machine down' },
];

/** The destructive patterns a command matches. */
export function destructiveMatches(command: string): DestructivePattern[] {
  return DESTRUCTIVE_COMMANDS.filter((p) => p.pattern.test(command));
}
