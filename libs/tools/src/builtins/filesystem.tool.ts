import { ApiError } from '@app/common';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rm, rmdir, stat, unlink, lstat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { type ToolDefinition, ToolFailure } from '../tool.types';
import { NO_FOLLOW, type Sandbox } from './sandbox';

const MAX_READ_BYTES = 10 * 1024 * 1024;
const MAX_CONTENT_BYTES = 1024 * 1024;
const MAX_LIST_ENTRIES = 1000;

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.js': 'text/javascript',
  '.ts': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.pdf': 'application/pdf',
};

type Operation = 'read' | 'write' | 'delete' | 'list' | 'stat' | 'mkdir';

interface FilesystemInput {
  operation: Operation;
  path: string;
  content?: string;
  encoding?: 'utf8' | 'base64';
  recursive?: boolean;
}

// What the caller did to the file system state, reported as a failed run (200, status: failed).
const FS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'NOT_FOUND',
  EEXIST: 'ALREADY_EXISTS',
  ENOTDIR: 'NOT_A_DIRECTORY',
  EISDIR: 'IS_A_DIRECTORY',
  ERR_FS_EISDIR: 'IS_A_DIRECTORY',
  ENOTEMPTY: 'NOT_EMPTY',
  EACCES: 'ACCESS_DENIED',
  EPERM: 'ACCESS_DENIED',
  EROFS: 'ACCESS_DENIED',
  EBUSY: 'BUSY',
  ETXTBSY: 'BUSY',
  ENOSPC: 'NO_SPACE',
  EDQUOT: 'NO_SPACE',
  EFBIG: 'TOO_LARGE',
};

/** Node's error for a path the OS will not take whole, however the segments were checked. */
const tooLong = (): ApiError => ApiError.validation('path is too long for the file system', [{ field: 'path', message: 'the path inside the sandbox is too long', code: 'TOO_LONG' }]);

/** Maps an fs error to what the caller did wrong; anything else is ours and stays a 500. */
function failure(error: unknown, shownPath: string): never {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ELOOP') throw new ApiError(403, 'FORBIDDEN', 'Path is a symbolic link; it is not followed');
  if (code === 'ENAMETOOLONG') throw tooLong();
  if (FS_ERRORS[code]) throw new ToolFailure(FS_ERRORS[code], `${FS_ERRORS[code].toLowerCase().replace(/_/g, ' ')}: ${shownPath}`);
  throw error;
}

const metadataOf = (size: number, modified: Date) => ({ size, modified: modified.toISOString() });

export function filesystemTool(sandbox: Sandbox): ToolDefinition {
  async function read(input: FilesystemInput) {
    const path = await sandbox.existing(input.path, { followFinalLink: true });
    const info = await stat(path);
    if (!info.isFile()) throw new ToolFailure('NOT_A_FILE', `not a file: ${input.path}`);
    if (info.size > MAX_READ_BYTES) throw ApiError.validation(`File is larger than ${MAX_READ_BYTES} bytes`, [{ field: 'path', message: 'file too large to read', code: 'TOO_LARGE' }]);
    const handle = await open(path, constants.O_RDONLY);
    try {
      const buffer = await handle.readFile();
      const encoding = input.encoding ?? 'utf8';
      return {
        success: true,
        data: buffer.toString(encoding),
        metadata: { ...metadataOf(info.size, info.mtime), mimeType: MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', encoding },
      };
    } finally {
      await handle.close();
    }
  }

  async function write(input: FilesystemInput) {
    const content = input.content ?? '';
    const bytes = Buffer.from(content, input.encoding === 'base64' ? 'base64' : 'utf8');
    if (bytes.length > MAX_CONTENT_BYTES) throw ApiError.validation(`content is larger than ${MAX_CONTENT_BYTES} bytes`, [{ field: 'content', message: 'content too large', code: 'TOO_LONG' }]);
    const path = await sandbox.creatable(input.path);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NO_FOLLOW, 0o640);
    try {
      await handle.writeFile(bytes);
      const info = await handle.stat();
      return { success: true, metadata: metadataOf(info.size, info.mtime) };
    } finally {
      await handle.close();
    }
  }

  async function remove(input: FilesystemInput) {
    const path = await sandbox.existing(input.path, { followFinalLink: false });
    if (path === sandbox.root) throw new ApiError(403, 'FORBIDDEN', 'The sandbox root cannot be deleted');
    const info = await lstat(path);
    if (!info.isDirectory()) await unlink(path);
    else if (input.recursive === true) await rm(path, { recursive: true });
    else await removeEmptyDirectory(path, input.path);
    return { success: true, metadata: { deleted: input.path } };
  }

  /** rmdir semantics: an empty directory goes; a full one needs `recursive`, so nothing is lost by surprise. */
  async function removeEmptyDirectory(path: string, shownPath: string): Promise<void> {
    try {
      await rmdir(path);
    } catch (error) {
      // Some systems say EEXIST for a non-empty directory (POSIX allows both).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      throw ApiError.validation(`Directory is not empty: ${shownPath}; pass recursive: true to delete it with its contents`, [
        { field: 'recursive', message: 'required to delete a directory that is not empty', code: 'NOT_EMPTY' },
      ]);
    }
  }

  async function list(input: FilesystemInput) {
    const path = await sandbox.existing(input.path, { followFinalLink: true });
    const entries = await readdir(path, { withFileTypes: true });
    const shown = await Promise.all(
      entries.slice(0, MAX_LIST_ENTRIES).map(async (entry) => {
        const info = await lstat(`${path}/${entry.name}`).catch(() => undefined);
        const type = entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'symlink' : 'other';
        return { name: entry.name, type, size: info?.size ?? 0, modified: info?.mtime.toISOString() ?? null };
      }),
    );
    return { success: true, data: shown, metadata: { count: entries.length, truncated: entries.length > MAX_LIST_ENTRIES } };
  }

  async function stats(input: FilesystemInput) {
    const path = await sandbox.existing(input.path, { followFinalLink: true });
    const info = await stat(path);
    return {
      success: true,
      data: { type: info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'other', ...metadataOf(info.size, info.mtime), created: info.birthtime.toISOString(), mode: (info.mode & 0o777).toString(8) },
    };
  }

  async function makeDirectory(input: FilesystemInput) {
    const path = await sandbox.creatable(input.path);
    await mkdir(path, { recursive: true });
    return { success: true, metadata: { created: input.path } };
  }

  const operations: Record<Operation, (input: FilesystemInput) => Promise<unknown>> = { read, write, delete: remove, list, stat: stats, mkdir: makeDirectory };

  return {
    id: 'tool_filesystem',
    name: 'filesystem',
    description: 'File system operations inside the server sandbox (TOOLS_ROOT): read, write, delete, list, stat, mkdir',
    version: '1.0.0',
    category: 'system',
    source: 'builtin',
    permissions: ['execute:tools', 'filesystem:read'],
    operationPermissions: { write: ['filesystem:write'], delete: ['filesystem:write'], mkdir: ['filesystem:write'] },
    rateLimits: [{ requests: 100, window: '1m', scope: 'caller' }],
    inputSchema: {
      type: 'object',
      required: ['operation', 'path'],
      additionalProperties: false,
      properties: {
        operation: { type: 'string', enum: ['read', 'write', 'delete', 'list', 'stat', 'mkdir'] },
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'A path inside the sandbox; a leading / is its root' },
        content: { type: 'string', maxLength: MAX_CONTENT_BYTES, description: 'For write: at most 1 MiB' },
        encoding: { type: 'string', enum: ['utf8', 'base64'] },
        recursive: { type: 'boolean', description: 'For delete: needed for a directory that is not empty (an empty one is removed without it)' },
      },
    },
    outputSchema: {
      type: 'object',
      properties: { success: { type: 'boolean' }, data: {}, metadata: { type: 'object' } },
    },
    examples: [
      { name: 'Read file', input: { operation: 'read', path: '/home/user/document.txt' }, output: { success: true, data: 'File contents...', metadata: { size: 1024, modified: '2024-01-01T00:00:00Z' } } },
      { name: 'Write file', input: { operation: 'write', path: '/home/user/document.txt', content: 'File contents...' } },
    ],
    async run(raw) {
      const input = raw as unknown as FilesystemInput;
      try {
        return await operations[input.operation](input);
      } catch (error) {
        if (error instanceof ApiError || error instanceof ToolFailure) throw error;
        failure(error, input.path);
      }
    },
  };
}
