import { runServerExpectingExit } from '@app/testing';
import { describe, expect, it } from 'vitest';

describe('bad configuration stops the process with one line naming the variable', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['RATE_LIMIT_LOGIN', 'five'],
    ['LOG_LEVEL', 'chatty'],
    ['UPSTREAM_TEMPLATES_FILE', '/nonexistent/templates.json'],
  ])('%s=%s', async (variable, value) => {
    const { code, output } = await runServerExpectingExit({ [variable]: value, DATABASE_URL: 'memory', ...(variable === 'DATABASE_URL' ? { DATABASE_URL: value } : {}) });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
