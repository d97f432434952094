import { describe, expect, it } from '@jest/globals';
import { typeNineHash, verifyTypeNine } from '../../../src/lab/router/secrets.js';

describe('type 9 secrets', () => {
  it('renders the Cisco type 9 shape and verifies only the right clear text', () => {
    const hash = typeNineHash('lab-password');
    expect(hash).toMatch(/^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$/);
    expect(verifyTypeNine('lab-password', hash)).toBe(true);
    expect(verifyTypeNine('lab-passwort', hash)).toBe(false);
  });

  it('hashes each clear text once per process, so a thousand routers pay for scrypt once', () => {
    // Salts are random, so the same string coming back twice means the hash was not computed again.
    const first = typeNineHash('shared-by-the-fleet');
    expect(typeNineHash('shared-by-the-fleet')).toBe(first);
    expect(typeNineHash('another-password')).not.toBe(first);
  });

  it('rejects a malformed hash', () => {
    expect(verifyTypeNine('x', '$9$short$hash')).toBe(false);
  });
});
