import { describe, expect, it } from 'vitest';
import { clientRefusal } from './client-capabilities';

describe('clientRefusal', () => {
  it('sampling needs the capability, and its sub-capabilities for tools and included context', () => {
    expect(clientRefusal({}, 'sampling/createMessage', {})).toBe('the sampling capability');
    expect(clientRefusal({ sampling: true }, 'sampling/createMessage', {})).toBe('the sampling capability');
    expect(clientRefusal({ sampling: {} }, 'sampling/createMessage', { maxTokens: 5 })).toBeUndefined();
    expect(clientRefusal({ sampling: {} }, 'sampling/createMessage', { tools: [] })).toMatch(/sampling.tools/);
    expect(clientRefusal({ sampling: { tools: {} } }, 'sampling/createMessage', { tools: [] })).toBeUndefined();
    expect(clientRefusal({ sampling: {} }, 'sampling/createMessage', { includeContext: 'thisServer' })).toMatch(/sampling.context/);
    expect(clientRefusal({ sampling: {} }, 'sampling/createMessage', { includeContext: 'none' })).toBeUndefined();
  });

  it('elicitation: an empty capability means form mode only; URL mode must be declared', () => {
    expect(clientRefusal({ sampling: {} }, 'elicitation/create', {})).toBe('the elicitation capability');
    expect(clientRefusal({ elicitation: {} }, 'elicitation/create', { mode: 'form' })).toBeUndefined();
    expect(clientRefusal({ elicitation: {} }, 'elicitation/create', {})).toBeUndefined();
    expect(clientRefusal({ elicitation: {} }, 'elicitation/create', { mode: 'url' })).toMatch(/URL-mode/);
    expect(clientRefusal({ elicitation: { url: {} } }, 'elicitation/create', { mode: 'url' })).toBeUndefined();
    expect(clientRefusal({ elicitation: { url: {} } }, 'elicitation/create', { mode: 'form' })).toMatch(/form-mode/);
    expect(clientRefusal({ elicitation: { form: {}, url: {} } }, 'elicitation/create', {})).toBeUndefined();
  });
});
