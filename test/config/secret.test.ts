import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { ConfigError, Secret, SecretResolver, type SecretRefAt } from '../../src/config/index.js';
import { configError, sources } from './helpers.js';

const VALUE = 'hunter2-very-secret';

function ref(r: SecretRefAt['ref'], path: (string | number)[] = ['all', 'password']): SecretRefAt {
  return { ref: r, origin: { file: '/inv.yaml', path }, purpose: 'password for R1' };
}

describe('Secret', () => {
  const secret = new Secret(VALUE, 'env ROUTER_PASSWORD');

  it('gives its value only through reveal()', () => {
    expect(secret.reveal()).toBe(VALUE);
  });

  it('never shows the value in JSON, inspect, template strings, concatenation or errors', () => {
    const renderings = [
      JSON.stringify({ secret }),
      JSON.stringify([secret]),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5, showHidden: true }),
      `${secret}`,
      String(secret),
      'x' + secret,
      new Error(`failed with ${secret}`).message,
      new ConfigError([{ file: 'f', path: [], message: `bad ${secret}`, severity: 'error' }]).message,
    ];
    for (const text of renderings) {
      expect(text).not.toContain(VALUE);
      expect(text).toContain('secret from env ROUTER_PASSWORD');
    }
    expect(Object.keys(secret)).not.toContain('value');
  });
});

describe('SecretResolver', () => {
  it('reads env, file and prompt references', async () => {
    const src = sources({ ROUTER_PASSWORD: VALUE }, { '/run/pw': 'from-file\n' }, ['typed']);
    const resolver = new SecretResolver(src);
    const [env, file, prompt] = await resolver.resolveAll([
      ref({ kind: 'env', name: 'ROUTER_PASSWORD' }),
      ref({ kind: 'file', path: '/run/pw' }),
      ref({ kind: 'prompt' }),
    ]);
    expect(env?.reveal()).toBe(VALUE);
    expect(file?.reveal()).toBe('from-file');
    expect(prompt?.reveal()).toBe('typed');
    expect(src.questions).toEqual(['password for R1: ']);
  });

  it('asks a prompt declared in one place once, however many devices use it', async () => {
    const src = sources({}, {}, ['once', 'twice']);
    const resolver = new SecretResolver(src);
    const a = await resolver.resolve(ref({ kind: 'prompt' }));
    const b = await resolver.resolve(ref({ kind: 'prompt' }));
    const c = await resolver.resolve(ref({ kind: 'prompt' }, ['devices', 3, 'password']));
    expect([a.reveal(), b.reveal(), c.reveal()]).toEqual(['once', 'once', 'twice']);
    expect(src.questions).toHaveLength(2);
  });

  it('reports every failing reference together, each with file and path, and no value', async () => {
    const resolver = new SecretResolver(sources({ EMPTY: '' }, {}, ['']));
    const err = await configError(() =>
      resolver.resolveAll([
        ref({ kind: 'env', name: 'UNSET_VAR' }, ['devices', 0, 'password']),
        ref({ kind: 'env', name: 'EMPTY' }, ['devices', 1, 'enable_secret']),
        ref({ kind: 'file', path: '/nope' }, ['groups', 'core', 'password']),
        ref({ kind: 'prompt' }, ['devices', 2, 'password']),
      ]),
    );
    expect(err.issues).toHaveLength(4);
    expect(err.message).toContain('/inv.yaml: devices[0].password: environment variable UNSET_VAR (password for R1) is not set');
    expect(err.message).toContain('devices[1].enable_secret: environment variable EMPTY');
    expect(err.message).toContain('groups.core.password: cannot read password for R1 from /nope (ENOENT)');
    expect(err.message).toContain('devices[2].password: no password for R1 was entered');
  });
});
