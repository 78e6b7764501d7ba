import type { Icon } from '@modelcontextprotocol/sdk/types.js';

const MAX_ICONS = 8;
const MAX_URL_CHARS = 2048;
const MAX_DATA_URI_CHARS = 64 * 1024;
const MAX_SIZES = 16;
const RASTER_DATA_URI = /^data:image\/(png|jpeg|jpg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;
const RASTER_MIME_TYPE = /^image\/(png|jpeg|jpg|webp|gif)$/;
const SIZE = /^(\d{1,5}x\d{1,5}|any)$/;
const SVG_PATH = /\.svgz?$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** https without credentials in it, and not an SVG by its name. */
function isSafeUrl(src: string): boolean {
  if (src.length > MAX_URL_CHARS) return false;
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && !SVG_PATH.test(url.pathname);
}

function safeIcon(value: unknown): Icon | undefined {
  if (!isRecord(value) || typeof value.src !== 'string') return undefined;
  const { src, mimeType, sizes, theme } = value;
  const inline = src.startsWith('data:');
  if (inline ? src.length > MAX_DATA_URI_CHARS || !RASTER_DATA_URI.test(src) : !isSafeUrl(src)) return undefined;
  if (mimeType !== undefined && (typeof mimeType !== 'string' || !RASTER_MIME_TYPE.test(mimeType))) return undefined;
  const icon: { src: string; mimeType?: string; sizes?: string[]; theme?: 'light' | 'dark' } = { src };
  if (mimeType !== undefined) icon.mimeType = mimeType;
  if (Array.isArray(sizes)) {
    const kept = sizes.filter((size): size is string => typeof size === 'string' && SIZE.test(size)).slice(0, MAX_SIZES);
    if (kept.length > 0) icon.sizes = kept;
  }
  if (theme === 'light' || theme === 'dark') icon.theme = theme;
  return icon;
}

/**
 * An upstream's icons as the gateway passes them on: raster images only, over https or inline,
 * a few of them, with nothing but the fields MCP defines. The spec leaves icon safety to whoever
 * shows them (SVG can carry script, a URL can track), and the gateway is where an enterprise can
 * enforce it for every client at once. Undefined when none is left.
 */
export function safeIcons(icons: unknown): Icon[] | undefined {
  if (!Array.isArray(icons)) return undefined;
  const kept: Icon[] = [];
  for (const candidate of icons) {
    const icon = safeIcon(candidate);
    if (icon) kept.push(icon);
    if (kept.length === MAX_ICONS) break;
  }
  return kept.length > 0 ? kept : undefined;
}

/** The item with its icons made safe (the field is dropped when none is left). */
export function withSafeIcons<T extends object>(item: T): T {
  if (!('icons' in item) || item.icons === undefined) return item;
  const { icons, ...rest } = item;
  const kept = safeIcons(icons);
  return (kept ? Object.assign(rest, { icons: kept }) : rest) as T;
}
