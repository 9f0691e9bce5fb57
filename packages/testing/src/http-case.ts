import { expect } from 'vitest';
import { type HttpRequestInit, toRequestInit } from './http-client';

/** The password every suite user gets (it satisfies the demo's policy). */
export const PASSWORD = 'guinevere';

/** A user to create directly in the store, not through `/auth/register`. */
export interface HttpSuiteUser {
  email: string;
  password: string;
  superuser?: boolean;
  verified?: boolean;
  inactive?: boolean;
}

/** What a case needs from the app under test, besides HTTP. */
export interface HttpContractTarget {
  /** Base URL of the running app, e.g. `http://127.0.0.1:4312` (no trailing slash). */
  url: string;
  /** The last token mailed to this address (`verify` or `reset`). */
  lastToken(kind: 'verify' | 'reset', email: string): Promise<string>;
  /** Creates a user directly (a superuser, an inactive user); resolves its id. */
  createUser(user: HttpSuiteUser): Promise<{ id: string }>;
}

/** What a case runs with. */
export interface CaseContext {
  /** Sends a request to a Portcullis route (`/auth/register`), below the mount path if any. */
  request(method: string, path: string, init?: HttpRequestInit): Promise<Response>;
  /** Sends a request to a path of the app itself, never below the mount path. */
  appRequest(method: string, path: string, init?: HttpRequestInit): Promise<Response>;
  target: HttpContractTarget;
  /** A bearer token of a superuser, created once per app. */
  superToken(): Promise<string>;
  /** Registers through `/auth/register` and expects a 201. */
  register(email: string, password?: string): Promise<Record<string, unknown>>;
  /** Logs in through `/auth/jwt/login` and returns the access token. */
  bearer(email: string, password?: string): Promise<string>;
}

/** One case of a suite: a stable id, what it proves, and the proof. */
export interface HttpCase<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  run(context: CaseContext): Promise<void>;
}

/** Declares a case; the id's literal type feeds the suites' typed skip lists. */
export function defineCase<const Id extends string>(
  id: Id,
  title: string,
  run: (context: CaseContext) => Promise<void>,
): HttpCase<Id> {
  return { id, title, run };
}

export function auth(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The body as JSON, or undefined when empty. */
export async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

/** Builds the context of one running app whose Portcullis routes live below `mountPath`. */
export function createCaseContext(target: HttpContractTarget, mountPath = ''): CaseContext {
  const appRequest = (method: string, path: string, init?: HttpRequestInit): Promise<Response> =>
    fetch(`${target.url}${path}`, toRequestInit(method, init));
  const request = (method: string, path: string, init?: HttpRequestInit): Promise<Response> =>
    appRequest(method, `${mountPath}${path}`, init);
  const bearer = async (email: string, password = PASSWORD): Promise<string> => {
    const response = await request('POST', '/auth/jwt/login', {
      form: { username: email, password },
    });
    expect(response.status, `login of ${email}`).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  let superToken: Promise<string> | undefined;
  return {
    request,
    appRequest,
    target,
    bearer,
    superToken() {
      superToken ??= (async () => {
        const email = `merlin.${Date.now().toString(36)}@camelot.bt`;
        await target.createUser({ email, password: PASSWORD, superuser: true });
        return bearer(email);
      })();
      return superToken;
    },
    async register(email, password = PASSWORD) {
      const response = await request('POST', '/auth/register', { json: { email, password } });
      expect(response.status, `registration of ${email}`).toBe(201);
      return (await response.json()) as Record<string, unknown>;
    },
  };
}
