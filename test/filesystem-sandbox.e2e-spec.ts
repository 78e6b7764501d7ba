import type { ToolExecution } from '@app/contracts';
import { type LoggedInUser, registerAndLoginAs, useTestApp } from '@app/testing';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

type Answer = ToolExecution & { error: unknown; message: string };

/** The filesystem tool's jail: everything useful inside it, nothing outside it, ever. */
describe('filesystem tool sandbox', () => {
  const t = useTestApp();
  let developer: LoggedInUser;
  let outside: string;

  beforeAll(async () => {
    developer = await registerAndLoginAs(t, ['developer']);
    outside = mkdtempSync(join(tmpdir(), 'smcp-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
    const root = t.config.toolsRoot;
    mkdirSync(join(root, 'links'), { recursive: true });
    symlinkSync(outside, join(root, 'links/to-outside-dir'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'links/to-outside-file'));
    symlinkSync('../../../../../../../../etc', join(root, 'links/relative-escape'));
    symlinkSync(join(root, 'links/to-outside-dir'), join(root, 'links/chain'));
    symlinkSync(join(outside, 'not-yet-there.txt'), join(root, 'links/dangling-outside'));
    mkdirSync(join(root, 'inside'), { recursive: true });
    writeFileSync(join(root, 'inside/ok.txt'), 'fine');
    symlinkSync(join(root, 'inside/ok.txt'), join(root, 'links/to-inside-file'));
  });

  const fs = (parameters: Record<string, unknown>) => t.client.call<Answer>('executeTool', { headers: developer.auth, params: { id: 'filesystem' }, body: { parameters } });

  it('does the whole job inside: mkdir, write, stat, list, read, delete', async () => {
    expect((await fs({ operation: 'mkdir', path: '/projects/alpha' })).body.status).toBe('completed');
    expect((await fs({ operation: 'write', path: '/projects/alpha/notes.md', content: '# Notes' })).body.result).toMatchObject({ success: true, metadata: { size: 7 } });
    expect((await fs({ operation: 'stat', path: 'projects/alpha/notes.md' })).body.result).toMatchObject({ data: { type: 'file', size: 7 } });
    const list = await fs({ operation: 'list', path: '/projects/alpha' });
    expect(list.body.result).toMatchObject({ data: [{ name: 'notes.md', type: 'file', size: 7 }] });
    expect((await fs({ operation: 'read', path: '/projects/alpha/notes.md' })).body.result).toMatchObject({ data: '# Notes', metadata: { mimeType: 'text/markdown' } });
    expect((await fs({ operation: 'write', path: '/bin.dat', content: Buffer.from([0, 1, 2]).toString('base64'), encoding: 'base64' })).body.status).toBe('completed');
    expect((await fs({ operation: 'read', path: '/bin.dat', encoding: 'base64' })).body.result).toMatchObject({ data: 'AAEC' });
    expect((await fs({ operation: 'delete', path: '/projects', recursive: true })).body.status).toBe('completed');
    expect(existsSync(join(t.config.toolsRoot, 'projects'))).toBe(false);
    // A link whose target is inside the sandbox is fine.
    expect((await fs({ operation: 'read', path: '/links/to-inside-file' })).body.result).toMatchObject({ data: 'fine' });
  });

  it('enforces the size caps: content over 1 MiB and reads over 10 MiB are refused', async () => {
    const big = await fs({ operation: 'write', path: '/big.txt', content: 'é'.repeat(600 * 1024) });
    expect(big.status).toBe(400);
    writeFileSync(join(t.config.toolsRoot, 'huge.bin'), Buffer.alloc(10 * 1024 * 1024 + 1));
    expect((await fs({ operation: 'read', path: '/huge.bin' })).status).toBe(400);
  });

  it('deletes an empty directory without recursive, as rmdir does', async () => {
    const root = t.config.toolsRoot;
    for (const parameters of [{}, { recursive: false }]) {
      expect((await fs({ operation: 'mkdir', path: 'emptydir' })).body.status).toBe('completed');
      const deleted = await fs({ operation: 'delete', path: 'emptydir', ...parameters });
      expect([deleted.status, deleted.body.status]).toEqual([200, 'completed']);
      expect(existsSync(join(root, 'emptydir'))).toBe(false);
    }
  });

  it('refuses to delete a full directory without recursive with 400, and deletes nothing', async () => {
    const root = t.config.toolsRoot;
    expect((await fs({ operation: 'write', path: '/full/sub/keep.txt', content: 'keep me' })).body.status).toBe('completed');
    for (const parameters of [{}, { recursive: false }]) {
      const refused = await fs({ operation: 'delete', path: '/full', ...parameters });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'VALIDATION_ERROR', details: [{ field: 'recursive', code: 'NOT_EMPTY' }] });
      expect(readFileSync(join(root, 'full/sub/keep.txt'), 'utf8')).toBe('keep me');
    }
    expect((await fs({ operation: 'delete', path: '/full', recursive: true })).body.status).toBe('completed');
    expect(existsSync(join(root, 'full'))).toBe(false);
  });

  // What the file system says about the caller's request is the caller's problem, never a 500.
  const misuses: Array<[string, Record<string, unknown>, number, string]> = [
    ['read a directory', { operation: 'read', path: '/odd/dir' }, 200, 'NOT_A_FILE'],
    ['write over a directory', { operation: 'write', path: '/odd/dir', content: 'x' }, 200, 'IS_A_DIRECTORY'],
    ['mkdir over a file', { operation: 'mkdir', path: '/odd/file.txt' }, 200, 'ALREADY_EXISTS'],
    ['mkdir below a file', { operation: 'mkdir', path: '/odd/file.txt/sub' }, 200, 'NOT_A_DIRECTORY'],
    ['list a file', { operation: 'list', path: '/odd/file.txt' }, 200, 'NOT_A_DIRECTORY'],
    ['read below a file', { operation: 'read', path: '/odd/file.txt/x' }, 200, 'NOT_A_DIRECTORY'],
    ['stat below a file', { operation: 'stat', path: '/odd/file.txt/x' }, 200, 'NOT_A_DIRECTORY'],
    ['write below a file', { operation: 'write', path: '/odd/file.txt/x/y.txt', content: 'x' }, 200, 'NOT_A_DIRECTORY'],
    ['delete below a file', { operation: 'delete', path: '/odd/file.txt/x' }, 200, 'NOT_A_DIRECTORY'],
    ['read a missing file', { operation: 'read', path: '/odd/missing.txt' }, 200, 'NOT_FOUND'],
    ['delete a missing directory', { operation: 'delete', path: '/odd/missing' }, 200, 'NOT_FOUND'],
    ['read a symlink loop', { operation: 'read', path: '/odd/loop' }, 403, 'FORBIDDEN'],
    ['read through a symlink loop', { operation: 'read', path: '/odd/loop/x' }, 403, 'FORBIDDEN'],
    ['write through a symlink loop', { operation: 'write', path: '/odd/loop/x', content: 'x' }, 403, 'FORBIDDEN'],
    ['mkdir through a symlink loop', { operation: 'mkdir', path: '/odd/loop/x' }, 403, 'FORBIDDEN'],
    ['read a host path over PATH_MAX (multi-byte)', { operation: 'read', path: `${'é'.repeat(100)}/`.repeat(40) }, 400, 'VALIDATION_ERROR'],
    // 4080 characters: under the caller's own cap of 4096, over PATH_MAX once the sandbox root is in front.
    ['write a host path over PATH_MAX', { operation: 'write', path: `${'a'.repeat(254)}/`.repeat(16), content: 'x' }, 400, 'VALIDATION_ERROR'],
    ['mkdir a host path over PATH_MAX', { operation: 'mkdir', path: `${'é'.repeat(100)}/`.repeat(40) }, 400, 'VALIDATION_ERROR'],
    ['delete a host path over PATH_MAX', { operation: 'delete', path: `${'é'.repeat(100)}/`.repeat(40) }, 400, 'VALIDATION_ERROR'],
  ];

  beforeAll(() => {
    const root = t.config.toolsRoot;
    mkdirSync(join(root, 'odd/dir'), { recursive: true });
    writeFileSync(join(root, 'odd/file.txt'), 'plain');
    symlinkSync('loop', join(root, 'odd/loop'));
  });

  it.each(misuses)('%s: never a 500', async (_, parameters, status, code) => {
    const root = t.config.toolsRoot;
    const response = await fs(parameters);
    expect(response.status).toBe(status);
    if (status === 200) expect(response.body).toMatchObject({ status: 'failed', error: { code } });
    else expect(response.body.error).toBe(code);
    expect(readFileSync(join(root, 'odd/file.txt'), 'utf8')).toBe('plain');
  });

  const hostile: Array<[string, Record<string, unknown>]> = [
    ['.. to /etc/passwd', { operation: 'read', path: '../etc/passwd' }],
    ['deep ..', { operation: 'read', path: '../../../../../../../../etc/passwd' }],
    ['rooted ..', { operation: 'read', path: '/../../etc/shadow' }],
    ['.. in the middle', { operation: 'read', path: 'inside/../../../etc/hosts' }],
    ['bare ..', { operation: 'list', path: '..' }],
    ['rooted bare ..', { operation: 'list', path: '/..' }],
    ['./..', { operation: 'stat', path: './../x' }],
    ['write with ..', { operation: 'write', path: '../escaped.txt', content: 'pwned' }],
    ['mkdir with ..', { operation: 'mkdir', path: 'a/../../outside-dir' }],
    ['delete with ..', { operation: 'delete', path: '../../tmp', recursive: true }],
    ['delete the root', { operation: 'delete', path: '/', recursive: true }],
    ['delete the root via .', { operation: 'delete', path: '/./', recursive: true }],
    ['read through a dir link to outside', { operation: 'read', path: '/links/to-outside-dir/secret.txt' }],
    ['list a dir link to outside', { operation: 'list', path: '/links/to-outside-dir' }],
    ['read a file link to outside', { operation: 'read', path: '/links/to-outside-file' }],
    ['stat a file link to outside', { operation: 'stat', path: '/links/to-outside-file' }],
    ['relative link escape', { operation: 'list', path: '/links/relative-escape' }],
    ['chained links', { operation: 'read', path: '/links/chain/secret.txt' }],
    ['write through a dir link', { operation: 'write', path: '/links/to-outside-dir/new.txt', content: 'pwned' }],
    ['write over a file link', { operation: 'write', path: '/links/to-outside-file', content: 'pwned' }],
    ['write a dangling link to outside', { operation: 'write', path: '/links/dangling-outside', content: 'pwned' }],
    ['mkdir through a dir link', { operation: 'mkdir', path: '/links/to-outside-dir/sub' }],
    ['NUL byte', { operation: 'read', path: 'inside/ok.txt\u0000../../etc/passwd' }],
    ['over-long path', { operation: 'read', path: `a/${'b'.repeat(5000)}` }],
    ['over-long segment', { operation: 'write', path: `/${'c'.repeat(300)}.txt`, content: 'x' }],
  ];

  it.each(hostile)('refuses %s with 400 or 403, never executed', async (_, parameters) => {
    const response = await fs(parameters);
    expect([400, 403]).toContain(response.status);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(outside, 'sub'))).toBe(false);
    expect(existsSync(join(outside, 'not-yet-there.txt'))).toBe(false);
    expect(existsSync(join(t.config.toolsRoot, '..', 'escaped.txt'))).toBe(false);
  });

  it('counted more than twenty hostile inputs', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(20);
  });

  it('the sandbox is still intact afterwards', async () => {
    expect(existsSync(t.config.toolsRoot)).toBe(true);
    expect((await fs({ operation: 'read', path: '/inside/ok.txt' })).body.result).toMatchObject({ data: 'fine' });
  });
});
