import type { ClientRequestMethod } from './tool.types';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why a client cannot be sent this request, judged by the capabilities of its `initialize`;
 * undefined when it can. Mirrors what MCP asks of servers: sampling needs `sampling` (and
 * `sampling.tools` for tool use, `sampling.context` for included context); elicitation needs
 * `elicitation`, where an empty object means form mode only and URL mode needs `elicitation.url`.
 */
export function clientRefusal(capabilities: Readonly<Record<string, unknown>>, method: ClientRequestMethod, params: Record<string, unknown>): string | undefined {
  if (method === 'sampling/createMessage') {
    const sampling = capabilities.sampling;
    if (!isObject(sampling)) return 'the sampling capability';
    if (params.tools !== undefined && !isObject(sampling.tools)) return 'sampling with tools (sampling.tools)';
    if (params.includeContext !== undefined && params.includeContext !== 'none' && !isObject(sampling.context)) return 'sampling with included context (sampling.context)';
    return undefined;
  }
  const elicitation = capabilities.elicitation;
  if (!isObject(elicitation)) return 'the elicitation capability';
  const mode = params.mode ?? 'form';
  const declaresModes = isObject(elicitation.form) || isObject(elicitation.url);
  if (mode === 'url' && !isObject(elicitation.url)) return 'URL-mode elicitation (elicitation.url)';
  if (mode === 'form' && declaresModes && !isObject(elicitation.form)) return 'form-mode elicitation (elicitation.form)';
  return undefined;
}
