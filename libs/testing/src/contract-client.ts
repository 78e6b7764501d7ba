import { ContractValidator } from './contract-validator';

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Defaults to the operation's server path (/api/v1, or the root); '/api' exercises the alias. */
  readonly basePath?: string;
}

async function read(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  let body: unknown = text;
  if (isJson && text !== '') body = JSON.parse(text) as unknown;
  return { status: response.status, headers: response.headers, body, text };
}

/**
 * An HTTP client for e2e tests that speaks to operations by their operationId and checks every
 * answer against openapi.yaml, so each test also proves the contract.
 */
export class ContractClient {
  private constructor(
    readonly baseUrl: string,
    readonly validator: ContractValidator,
  ) {}

  static async create(baseUrl: string): Promise<ContractClient> {
    return new ContractClient(baseUrl, await ContractValidator.load());
  }

  async call<T = unknown>(operationId: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const { method, path, basePath } = this.validator.operation(operationId);
    const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = options.params?.[name];
      if (value === undefined) throw new Error(`${operationId}: missing path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const query = options.query ? `?${new URLSearchParams(Object.entries(options.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await read(
      await fetch(`${this.baseUrl}${options.basePath ?? basePath}${filled}${query}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
    );
    this.validator.assertResponse(operationId, response.status, response.headers.get('content-type'), response.body);
    return response as ApiResponse<T>;
  }

  /** Anything, including malformed requests; error answers are still checked for the envelope. */
  async raw(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
    const response = await read(await fetch(`${this.baseUrl}${path}`, { method, headers: init.headers, body: init.body }));
    if (response.status >= 400) this.validator.assertErrorEnvelope(response.body);
    return response;
  }
}
