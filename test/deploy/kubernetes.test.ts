/**
 * The Kubernetes manifests in deploy/kubernetes: every document parses, every container's certagent command line is
 * one the CLI's own parser accepts (each is run with --help appended, which parses every flag strictly and touches
 * nothing), the inventory and playbook they mount load as certagent's, and every {file:} secret they reference
 * lies under a mounted Secret.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { Command } from '../../src/cli/command.js';
import { EXIT_OK } from '../../src/cli/command.js';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import { rotateCommand } from '../../src/cli/commands/rotate.js';
import { workerCommand } from '../../src/cli/commands/worker.js';
import { loadInventory, readPlaybook } from '../../src/config/index.js';

const DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

interface Container {
  readonly name: string;
  readonly args?: string[];
  readonly command?: string[];
  readonly volumeMounts?: { readonly name: string; readonly mountPath: string }[];
}
interface PodSpec {
  readonly containers: Container[];
  readonly volumes?: { readonly name: string; readonly secret?: unknown; readonly configMap?: unknown }[];
}
interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
}

const manifests: { file: string; doc: Manifest }[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      return { file, doc: d.toJS() as Manifest };
    }),
  );

function podSpec(doc: Manifest): PodSpec | undefined {
  const spec = doc.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } } | undefined;
  return spec?.jobTemplate?.spec.template.spec ?? spec?.template?.spec;
}

function sink(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

const pods = manifests.flatMap(({ file, doc }) => {
  const spec = podSpec(doc);
  return spec ? [{ file, name: doc.metadata.name, spec }] : [];
});

describe('deploy/kubernetes', () => {
  it('holds a CronJob, an Indexed Job, a worker Deployment and a coordinator Job, all parsed', () => {
    const kinds = manifests.map(({ doc }) => doc.kind);
    expect(kinds).toEqual(expect.arrayContaining(['CronJob', 'Job', 'Deployment', 'ConfigMap', 'Secret']));
    expect(manifests.some(({ doc }) => doc.kind === 'Job' && doc.spec?.completionMode === 'Indexed')).toBe(true);
    expect(pods.length).toBe(4);
  });

  it.each(pods.map((p) => [`${p.file} ${p.name}`, p] as const))('%s runs a command line the CLI accepts', async (_label, pod) => {
    for (const container of pod.spec.containers) {
      // The image's entrypoint is certagent: args start with the sub-command.
      expect(container.command).toBeUndefined();
      const [name, ...args] = container.args ?? [];
      const out = sink();
      const factories: Record<string, () => Command> = {
        rollout: () => rolloutCommand({ stdout: out }),
        rotate: () => rotateCommand({ stdout: out }),
        plan: () => planCommand({ stdout: out }),
        fix: () => fixCommand({ stdout: out }),
        worker: () => workerCommand({ stdout: out }),
      };
      const command = factories[name ?? '']?.();
      expect(command).toBeDefined();
      expect(await command?.run([...args, '--help'])).toBe(EXIT_OK);
      expect(out.text).toContain(`usage: certagent ${name ?? ''}`);
    }
  });

  it('mounts an inventory and a playbook certagent loads, whose {file:} secrets lie under the mounted Secret', async () => {
    const config = manifests.find(({ doc }) => doc.kind === 'ConfigMap' && doc.metadata.name === 'certagent-config')?.doc.data ?? {};
    const tmp = mkdtempSync(join(tmpdir(), 'certagent-k8s-'));
    try {
      writeFileSync(join(tmp, 'inventory.yaml'), config['inventory.yaml'] ?? '');
      writeFileSync(join(tmp, 'playbook.yaml'), config['playbook.yaml'] ?? '');
      const inventory = await loadInventory(join(tmp, 'inventory.yaml'));
      expect(inventory.devices.map((d) => d.queue)).toEqual(['eu', 'eu', 'us']);
      const playbook = await readPlaybook(join(tmp, 'playbook.yaml'));
      expect(playbook.verify?.runApplet).toBe('SendSecureEmailEEM');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const referenced = [...`${config['inventory.yaml'] ?? ''}${config['playbook.yaml'] ?? ''}`.matchAll(/\{ file: (\S+) \}/g)].map((m) => m[1] as string);
    expect(referenced.length).toBeGreaterThan(0);
    for (const pod of pods) {
      const secretVolumes = new Set((pod.spec.volumes ?? []).filter((v) => v.secret !== undefined).map((v) => v.name));
      const mounts = pod.spec.containers
        .flatMap((c) => c.volumeMounts ?? [])
        .filter((m) => secretVolumes.has(m.name))
        .map((m) => m.mountPath);
      expect(mounts.length).toBeGreaterThan(0);
      const used = pod.spec.containers.flatMap((c) => (c.args ?? []).filter((a) => a.startsWith('file:')).map((a) => a.slice('file:'.length)));
      for (const path of [...referenced, ...used]) expect(mounts.some((m) => path.startsWith(`${m}/`))).toBe(true);
    }
  });
});
