import { ApiError } from '@app/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ToolFailure, type ToolRunContext } from '../tool.types';
import { filesystemTool } from './filesystem.tool';
import { Sandbox } from './sandbox';

// Real file system unless a test plays an error that root (the CI user) never meets.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open), rmdir: vi.fn(actual.rmdir) };
});

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: simulated`), { code });
const context = { signal: new AbortController().signal } as unknown as ToolRunContext;

describe('filesystem tool: what the OS says about a request', () => {
  let root: string;
  let tool: ReturnType<typeof filesystemTool>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'smcp-fs-spec-'));
    mkdirSync(join(root, 'dir'));
    writeFileSync(join(root, 'file.txt'), 'plain');
    tool = filesystemTool(new Sandbox(root));
  });

  afterEach(() => vi.clearAllMocks());
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const read = () => tool.run({ operation: 'read', path: '/file.txt' }, context);

  it.each([
    ['EACCES', 'ACCESS_DENIED'],
    ['EPERM', 'ACCESS_DENIED'],
    ['EROFS', 'ACCESS_DENIED'],
    ['EBUSY', 'BUSY'],
    ['ENOSPC', 'NO_SPACE'],
    ['EDQUOT', 'NO_SPACE'],
    ['EFBIG', 'TOO_LARGE'],
    ['EISDIR', 'IS_A_DIRECTORY'],
    ['ERR_FS_EISDIR', 'IS_A_DIRECTORY'],
  ])('%s fails the run as %s (200, status failed), not a 500', async (code, failure) => {
    vi.mocked(open).mockRejectedValueOnce(errno(code));
    await expect(read()).rejects.toEqual(expect.objectContaining({ name: 'ToolFailure', code: failure, message: expect.stringContaining('/file.txt') }));
  });

  it('ENAMETOOLONG is the caller path being too long: 400 naming the path', async () => {
    vi.mocked(open).mockRejectedValueOnce(errno('ENAMETOOLONG'));
    const refused = await read().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', details: [{ field: 'path', code: 'TOO_LONG' }] });
  });

  it('ELOOP is a link we do not follow: 403', async () => {
    vi.mocked(open).mockRejectedValueOnce(errno('ELOOP'));
    await expect(read()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('an error that says nothing about the request (EIO) stays ours: it is rethrown as it came', async () => {
    const broken = errno('EIO');
    vi.mocked(open).mockRejectedValueOnce(broken);
    await expect(read()).rejects.toBe(broken);
  });

  it('delete of a directory without recursive uses rmdir, and a full one is a 400 on `recursive`', async () => {
    writeFileSync(join(root, 'dir/inside.txt'), 'x');
    for (const recursive of [undefined, false]) {
      const refused = await tool.run({ operation: 'delete', path: '/dir', recursive }, context).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', details: [{ field: 'recursive', code: 'NOT_EMPTY' }] });
    }
    expect(rmdir).toHaveBeenCalledTimes(2);
  });

  it('a system that says EEXIST for a full directory (POSIX allows it) gets the same 400', async () => {
    vi.mocked(rmdir).mockRejectedValueOnce(errno('EEXIST'));
    await expect(tool.run({ operation: 'delete', path: '/dir' }, context)).rejects.toMatchObject({ status: 400, details: [{ field: 'recursive', code: 'NOT_EMPTY' }] });
  });

  it('rmdir failing otherwise is mapped like any other operation', async () => {
    vi.mocked(rmdir).mockRejectedValueOnce(errno('EBUSY'));
    await expect(tool.run({ operation: 'delete', path: '/dir' }, context)).rejects.toBeInstanceOf(ToolFailure);
  });
});
