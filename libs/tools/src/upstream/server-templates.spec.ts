import { parseServerTemplates } from '@app/config';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES } from './server-templates.service';

describe('the built-in server templates', () => {
  it('pass the checks an operator file does (ids, transports, placeholders, arg references)', () => {
    expect(parseServerTemplates(JSON.stringify(BUILTIN_TEMPLATES))).toEqual(BUILTIN_TEMPLATES);
  });
});
