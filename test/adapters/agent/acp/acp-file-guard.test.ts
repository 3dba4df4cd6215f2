import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createFileGuard, FileAccessError } from '../../../../src-main/adapters/agent/acp/acp-file-guard';
import { tempDir } from '../../../support/temp-dir';

const refused = (error: unknown): boolean => error instanceof FileAccessError && /outside the working folder/.test(error.message);

describe('ACP file guard', () => {
  test('reads and writes inside the working folder, creating folders, honouring line and limit', async () => {
    const root = tempDir('parley-guard-');
    const guard = await createFileGuard(root);
    assert.equal(await guard.writeText(join(root, 'a/b/c.txt'), 'one\ntwo\nthree'), join('a', 'b', 'c.txt'));
    assert.equal(readFileSync(join(root, 'a/b/c.txt'), 'utf8'), 'one\ntwo\nthree');
    assert.equal(await guard.readText(join(root, 'a/b/c.txt')), 'one\ntwo\nthree');
    assert.equal(await guard.readText(join(root, 'a/b/c.txt'), 2, 1), 'two');
    assert.equal(await guard.readText('a/b/c.txt', 2), 'two\nthree', 'a relative path is taken from the working folder');
  });

  test('refuses paths that climb out with ..', async () => {
    const parent = tempDir('parley-guard-parent-');
    const root = join(parent, 'work');
    mkdirSync(root);
    writeFileSync(join(parent, 'secret.txt'), 'secret');
    const guard = await createFileGuard(root);
    await assert.rejects(guard.readText(join(root, '..', 'secret.txt')), refused);
    await assert.rejects(guard.writeText(join(root, 'x', '..', '..', 'new.txt'), 'x'), refused);
    assert.equal(existsSync(join(parent, 'new.txt')), false);
    await assert.rejects(guard.readText('/etc/hostname'), refused);
  });

  test('refuses a symlink that points out, for reading and for writing through a linked folder', async () => {
    const parent = tempDir('parley-guard-link-');
    const root = join(parent, 'work');
    const outside = join(parent, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'linked-dir'));
    const guard = await createFileGuard(root);
    await assert.rejects(guard.readText(join(root, 'link.txt')), refused);
    await assert.rejects(guard.writeText(join(root, 'link.txt'), 'overwritten'), refused);
    await assert.rejects(guard.writeText(join(root, 'linked-dir', 'deep', 'new.txt'), 'x'), refused);
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'secret');
    assert.equal(existsSync(join(outside, 'deep')), false);
  });

  test('a symlink inside the folder that stays inside is followed', async () => {
    const root = tempDir('parley-guard-inner-');
    writeFileSync(join(root, 'real.txt'), 'inside');
    symlinkSync(join(root, 'real.txt'), join(root, 'alias.txt'));
    const guard = await createFileGuard(root);
    assert.equal(await guard.readText(join(root, 'alias.txt')), 'inside');
  });

  test('a working folder reached through a symlink is resolved, so its own paths still count as inside', async () => {
    const parent = tempDir('parley-guard-rootlink-');
    mkdirSync(join(parent, 'real'));
    symlinkSync(join(parent, 'real'), join(parent, 'alias'));
    const guard = await createFileGuard(join(parent, 'alias'));
    await guard.writeText(join(parent, 'alias', 'f.txt'), 'ok');
    assert.equal(await guard.readText(join(parent, 'real', 'f.txt')), 'ok');
  });
});
