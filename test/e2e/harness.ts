/**
 * Starts the local stack in memory on a free port for one test file and gives a small HTTP client.
 * One stack per test file (each file runs in its own process).
 */
import { afterAll, beforeAll } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '#local/stack';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Client {
  url: string;
  stack: LocalStack;
  request<T = any>(method: string, path: string, init?: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
}

export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  init: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  } else if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Registers beforeAll/afterAll hooks that start and stop a local stack. */
export function useLocalStack(options: LocalStackOptions = {}): Client {
  const client = {} as Client;
  beforeAll(async () => {
    const stack = await startLocalStack({ memory: true, port: 0, ...options });
    client.stack = stack;
    client.url = stack.url;
    client.request = (method, path, init) => call(stack.url, method, path, init);
  });
  afterAll(async () => {
    await client.stack?.stop();
  });
  return client;
}

/** Logs in with a password and returns the token. */
export async function loginWithPassword(client: Client, phone: string, password: string): Promise<string> {
  const response = await client.request('POST', '/api/auth/login', { body: { phone, password } });
  if (response.status !== 200) throw new Error(`login failed for ${phone}: ${response.status} ${response.text}`);
  return response.body.token as string;
}
