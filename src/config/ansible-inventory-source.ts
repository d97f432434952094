/**
 * Any Ansible inventory source certagent does not read itself (an INI file, a directory with group_vars/ and
 * host_vars/, an executable inventory script, a plugin configuration such as `plugin: netbox.netbox.nb_inventory`):
 * Ansible's own `ansible-inventory -i SRC --list --export` reads it, and its JSON is turned back into the YAML
 * inventory shape, so the same mapping and rules apply (inventory-ansible.ts: variable precedence, secret
 * references only, vault values refused with the line to write). `--export` keeps group variables on their groups
 * instead of merging them into each host, so precedence is certagent's, as for YAML. Templates are not evaluated
 * by `--list`, so `{{ lookup('env', ...) }}` arrives as written.
 */
import { execFile } from 'node:child_process';
import { ConfigError, issue } from './issues.js';
import { AnsibleVaultValue } from './inventory-ansible.js';

export const ANSIBLE_INVENTORY = 'ansible-inventory';
/** Dynamic sources (NetBox, Nautobot) page through an API: minutes, not seconds, before giving up. */
export const ANSIBLE_INVENTORY_TIMEOUT_MS = 300_000;

export interface AnsibleInventoryOptions {
  /** The program (default `ansible-inventory` on PATH). */
  readonly command?: string;
  readonly timeoutMs?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"__ansible_vault": "$ANSIBLE_VAULT;..."}` is how `--list` shows an encrypted value: made the loader's vault marker. */
function vaultMarked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(vaultMarked);
  if (!isObject(value)) return value;
  if (Object.keys(value).length === 1 && typeof value.__ansible_vault === 'string') return new AnsibleVaultValue();
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, vaultMarked(v)]));
}

/**
 * `ansible-inventory --list --export` JSON → the YAML inventory shape (`all: {children: {g: {hosts: {h: vars},
 * children: {...}, vars: {...}}}}`). Each group appears once under `all` with its children named (empty) under it,
 * which the YAML reader reads as the same tree. Pure.
 */
export function inventoryFromAnsibleList(list: unknown, source: string): Record<string, unknown> {
  if (!isObject(list)) throw new ConfigError([issue({ file: source, path: [] }, 'ansible-inventory printed no inventory object')]);
  const meta = isObject(list._meta) ? list._meta : {};
  const hostvars = isObject(meta.hostvars) ? meta.hostvars : {};
  const groups: Record<string, unknown> = {};
  let allVars: unknown;
  let allHosts: string[] = [];
  for (const [name, value] of Object.entries(list)) {
    if (name === '_meta' || !isObject(value)) continue;
    const hosts = Array.isArray(value.hosts) ? value.hosts.filter((h): h is string => typeof h === 'string') : [];
    const children = Array.isArray(value.children) ? value.children.filter((c): c is string => typeof c === 'string') : [];
    if (name === 'all') {
      allVars = value.vars;
      allHosts = hosts;
      continue;
    }
    groups[name] = {
      ...(hosts.length > 0 && { hosts: Object.fromEntries(hosts.map((h) => [h, vaultMarked(hostvars[h] ?? null)])) }),
      ...(children.length > 0 && { children: Object.fromEntries(children.map((c) => [c, null])) }),
      ...(isObject(value.vars) && { vars: vaultMarked(value.vars) }),
    };
  }
  // Hosts of no group are listed under `ungrouped`; any other host var still needs a place to live.
  const placed = new Set(Object.values(groups).flatMap((g) => (isObject(g) && isObject(g.hosts) ? Object.keys(g.hosts) : [])));
  const loose = [...allHosts, ...Object.keys(hostvars)].filter((h) => !placed.has(h));
  return {
    all: {
      ...(loose.length > 0 && { hosts: Object.fromEntries(loose.map((h) => [h, vaultMarked(hostvars[h] ?? null)])) }),
      ...(Object.keys(groups).length > 0 && { children: groups }),
      ...(isObject(allVars) && { vars: vaultMarked(allVars) }),
    },
  };
}

/** Runs `ansible-inventory -i SRC --list --export` (no shell) and returns its JSON; failures are ConfigErrors (exit 2). */
export function listAnsibleInventory(source: string, options: AnsibleInventoryOptions = {}): Promise<Json> {
  const command = options.command ?? ANSIBLE_INVENTORY;
  const origin = { file: source, path: [] };
  return new Promise((resolve, reject) => {
    execFile(
      command,
      ['-i', source, '--list', '--export'],
      {
        timeout: options.timeoutMs ?? ANSIBLE_INVENTORY_TIMEOUT_MS,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
      },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          if (e.code === 'ENOENT') {
            reject(
              new ConfigError([
                issue(
                  origin,
                  `is not a YAML inventory certagent reads itself, and ${command} is not installed to read it: install Ansible (Debian: apt-get install ansible-core; or pip install ansible-core), or give a certagent or Ansible YAML inventory`,
                ),
              ]),
            );
          } else if (e.killed === true) {
            reject(
              new ConfigError([
                issue(
                  origin,
                  `${command} did not finish within ${Math.round((options.timeoutMs ?? ANSIBLE_INVENTORY_TIMEOUT_MS) / 1000)} s; check the source (a dynamic inventory's API) and try again`,
                ),
              ]),
            );
          } else {
            const said = stderr
              .trim()
              .split('\n')
              .filter((l) => l.trim() !== '')
              .slice(-5)
              .join(' / ');
            reject(new ConfigError([issue(origin, `${command} -i ${source} --list failed: ${said || e.message}`)]));
          }
          return;
        }
        // A source Ansible cannot parse still exits 0 with an empty inventory and a warning on stderr.
        if (/\[WARNING\]: *(?:Unable to parse |No inventory was parsed)/.test(stderr)) {
          // Ansible's own words name the plugin, the file and the line it stumbled on.
          const said = stderr
            .split('\n')
            .map((l) => l.replace(/^\[WARNING\]: *(?:\* *)?/, '').trim())
            .filter((l) => l !== '')
            .slice(0, 6)
            .join(' / ');
          reject(new ConfigError([issue(origin, `${command} could not read it: ${said}`)]));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as Json);
        } catch {
          reject(new ConfigError([issue(origin, `${command} printed something other than JSON: ${stdout.slice(0, 200)}`)]));
        }
      },
    );
  });
}
