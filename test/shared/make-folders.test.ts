/** makeFolders: `mkdir -p` that ends with the first error (Node's recursive mkdir spins forever under /proc). */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFolders } from '../../src/shared/make-folders.js';

const root = mkdtempSync(join(tmpdir(), 'certagent-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('makeFolders', () => {
  it('makes the missing folders, parents first, with the mode given; an existing folder is fine', () => {
    const deep = join(root, 'a', 'b', 'c');
    makeFolders(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
    expect(() => makeFolders(deep, 0o700)).not.toThrow();
    expect(() => makeFolders(root)).not.toThrow();
  });

  it('says ENOTDIR when a file is in the way, and gives the error of the folder it could not make', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => makeFolders(join(root, 'file', 'x', 'y'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeFolders(join(root, 'file'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    // Where /proc exists (Linux) it refuses new entries with ENOENT; Node's own recursive mkdir never returns here.
    if (process.platform === 'linux') expect(() => makeFolders('/proc/certagent-folders-test/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
