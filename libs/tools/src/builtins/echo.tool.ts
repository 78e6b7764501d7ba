import type { ToolDefinition } from '../tool.types';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Returns its input. Tests and benchmarks lean on it; `delayMs` honours cancellation. */
export function echoTool(): ToolDefinition {
  return {
    id: 'tool_echo',
    name: 'echo',
    description: 'Returns its input (all but `secret`), optionally after delayMs; for tests and benchmarks',
    version: '1.0.0',
    category: 'system',
    source: 'builtin',
    permissions: ['execute:tools'],
    secretFields: ['secret'],
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        message: { type: 'string', maxLength: 1048576 },
        data: { type: 'object' },
        delayMs: { type: 'integer', minimum: 0, maximum: 600000 },
        secret: { type: 'string', maxLength: 4096, writeOnly: true, description: 'Accepted but never returned, stored or audited' },
      },
    },
    outputSchema: { type: 'object', properties: { message: { type: 'string' }, data: { type: 'object' } } },
    examples: [{ name: 'Echo a message', input: { message: 'hello' }, output: { message: 'hello' } }],
    // The signal is read only when there is a delay: making one costs more than the echo itself.
    async run(input, context) {
      if (typeof input.delayMs === 'number' && input.delayMs > 0) await sleep(input.delayMs, context.signal);
      const { secret: _secret, ...echoed } = input;
      return echoed;
    },
  };
}
