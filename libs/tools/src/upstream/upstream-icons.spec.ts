import { describe, expect, it } from 'vitest';
import { safeIcons, withSafeIcons } from './upstream-icons';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('safeIcons', () => {
  it('keeps https and inline raster icons with the fields MCP defines', () => {
    expect(
      safeIcons([
        { src: 'https://cdn.example.com/tool.png', mimeType: 'image/png', sizes: ['48x48', 'any'], theme: 'dark' },
        { src: PNG },
      ]),
    ).toEqual([{ src: 'https://cdn.example.com/tool.png', mimeType: 'image/png', sizes: ['48x48', 'any'], theme: 'dark' }, { src: PNG }]);
  });

  it.each([
    ['an inline SVG', { src: 'data:image/svg+xml;base64,PHN2Zz48c2NyaXB0Pjwvc2NyaXB0Pjwvc3ZnPg==' }],
    ['an SVG by its URL', { src: 'https://cdn.example.com/tool.svg' }],
    ['an SVG by its mimeType', { src: 'https://cdn.example.com/icon', mimeType: 'image/svg+xml' }],
    ['plain http', { src: 'http://cdn.example.com/tool.png' }],
    ['a javascript: URL', { src: 'javascript:alert(1)' }],
    ['a file: URL', { src: 'file:///etc/passwd' }],
    ['credentials in the URL', { src: 'https://user:secret@cdn.example.com/tool.png' }],
    ['an inline image that is not base64', { src: 'data:image/png,<script>' }],
    ['an inline non-image', { src: 'data:text/html;base64,PGgxPg==' }],
    ['an oversized inline image', { src: `data:image/png;base64,${'A'.repeat(70_000)}` }],
    ['an over-long URL', { src: `https://cdn.example.com/${'a'.repeat(2100)}.png` }],
    ['a src that is not a string', { src: 42 }],
    ['a mimeType that is not an image', { src: 'https://cdn.example.com/tool.png', mimeType: 'text/html' }],
    ['not an object', 'https://cdn.example.com/tool.png'],
  ])('drops %s', (_label, icon) => {
    expect(safeIcons([icon])).toBeUndefined();
  });

  it('drops malformed sizes and themes, and fields MCP does not define', () => {
    expect(safeIcons([{ src: PNG, sizes: ['48x48', '48 x 48', 7, '9999999x1'], theme: 'neon', onclick: 'x' }])).toEqual([{ src: PNG, sizes: ['48x48'] }]);
  });

  it('keeps at most eight icons', () => {
    expect(safeIcons(Array.from({ length: 20 }, (_, i) => ({ src: `https://cdn.example.com/${i}.png` })))).toHaveLength(8);
  });

  it('answers undefined for no list at all', () => {
    expect(safeIcons(undefined)).toBeUndefined();
    expect(safeIcons({ src: PNG })).toBeUndefined();
    expect(safeIcons([])).toBeUndefined();
  });
});

describe('withSafeIcons', () => {
  it('filters the icons of an item and keeps the rest of it', () => {
    expect(withSafeIcons({ name: 'p', icons: [{ src: PNG }, { src: 'javascript:x' }] })).toEqual({ name: 'p', icons: [{ src: PNG }] });
  });

  it('drops the field when no icon is left, and leaves an item without icons as it is', () => {
    expect(withSafeIcons({ name: 'p', icons: [{ src: 'javascript:x' }] })).toEqual({ name: 'p' });
    const plain = { name: 'q' };
    expect(withSafeIcons(plain)).toBe(plain);
  });
});
