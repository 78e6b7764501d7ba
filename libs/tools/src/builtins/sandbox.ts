import { ApiError } from '@app/common';
import { constants, mkdirSync, realpathSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

const MAX_PATH = 4096;
const MAX_SEGMENT_BYTES = 255;
/** Linux PATH_MAX less the NUL: the host path (root + caller's path) must fit, not only the caller's part. */
const MAX_HOST_PATH_BYTES = 4095;
/** Opening with this flag refuses a symlink as the final component (no swap-in after the check). */
export const NO_FOLLOW = constants.O_NOFOLLOW;

const refused = (message: string): ApiError => new ApiError(403, 'FORBIDDEN', message);
const invalid = (message: string, code = 'INVALID_FORMAT'): ApiError => ApiError.validation(message, [{ field: 'path', message, code }]);

/**
 * The filesystem tool's jail. A caller's path is relative to the root (a leading `/` means the
 * root, so `/home/user/file.txt` lives inside it). Every path is checked lexically and then on its
 * real path, so neither `..` nor a symlink can lead outside; all of it before any I/O happens.
 */
export class Sandbox {
  readonly root: string;

  constructor(root: string) {
    mkdirSync(root, { recursive: true });
    this.root = realpathSync(root);
  }

  /** For operations on something that must exist (read, list, stat, delete). */
  async existing(userPath: string, options: { followFinalLink: boolean }): Promise<string> {
    const candidate = this.lexical(userPath);
    try {
      const stats = await lstat(candidate);
      // delete acts on a link itself, which lives inside; everything else acts on what it points to.
      if (stats.isSymbolicLink() && !options.followFinalLink) {
        await this.assertInside(dirname(candidate));
        return candidate;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await this.assertInside(await this.deepestExisting(candidate));
      return candidate;
    }
    await this.assertInside(candidate);
    return candidate;
  }

  /** For operations that create (write, mkdir): the nearest existing ancestor must be inside. */
  async creatable(userPath: string): Promise<string> {
    const candidate = this.lexical(userPath);
    if (candidate === this.root) throw refused('The sandbox root itself cannot be replaced');
    await this.assertInside(await this.deepestExisting(candidate));
    try {
      if ((await lstat(candidate)).isSymbolicLink()) await this.assertInside(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return candidate;
  }

  /** The caller's path as it appears inside the sandbox (never the host path). */
  display(absolute: string): string {
    return `/${relative(this.root, absolute).split(sep).join('/')}`;
  }

  private lexical(userPath: string): string {
    if (typeof userPath !== 'string' || userPath.length === 0) throw invalid('path is required', 'REQUIRED');
    if (userPath.includes('\0')) throw invalid('path must not contain NUL bytes');
    if (userPath.length > MAX_PATH) throw invalid(`path must be at most ${MAX_PATH} characters`, 'TOO_LONG');
    if (userPath.split('/').some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) {
      throw invalid(`each path segment must be at most ${MAX_SEGMENT_BYTES} bytes`, 'TOO_LONG');
    }
    const candidate = resolve(this.root, userPath.replace(/^\/+/, ''));
    if (!this.contains(candidate)) throw refused('Path is outside the sandbox');
    if (Buffer.byteLength(candidate) > MAX_HOST_PATH_BYTES) throw invalid('path is too long for the file system', 'TOO_LONG');
    return candidate;
  }

  private contains(path: string): boolean {
    const rel = relative(this.root, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  }

  private async assertInside(path: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      // A dangling link points nowhere we could check: refuse it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw refused('Path leads through a link that cannot be resolved');
      throw error;
    }
    if (!this.contains(real)) throw refused('Path resolves outside the sandbox');
  }

  private async deepestExisting(path: string): Promise<string> {
    let current = path;
    for (;;) {
      try {
        await lstat(current);
        return current;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const parent = dirname(current);
        if (parent === current) return this.root;
        current = parent;
      }
    }
  }
}
