import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAuthBackend } from './auth/backend';
import { createBearerTransport } from './auth/bearer-transport';
import { createCookieTransport } from './auth/cookie-transport';
import { createJwtStrategy } from './auth/jwt-strategy';
import type { Strategy } from './auth/strategy';
import {
  buildOpenApi,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
} from './openapi';
import { createPortcullis } from './portcullis';
import type { User, UserStore } from './types';
import { defineUserFields, type UserFields } from './user-fields';

/** Only builds the document: no route is called, so every method can be trivial. */
const users: UserStore = {
  get: async () => null,
  getByEmail: async () => null,
  getByOAuthAccount: async () => null,
  create: async () => {
    throw new Error('unused');
  },
  update: async () => null,
  delete: async () => {},
  addOAuthAccount: async (user) => user,
  updateOAuthAccount: async (user) => user,
  parseId: (value) => value,
};

const cookieStrategy: Strategy<User> = {
  readToken: async () => null,
  writeToken: async () => 'token',
  destroyToken: async () => {},
};

function demoDocument(userFields?: UserFields): OpenApiDocument {
  const secret = 'a-test-secret-that-is-long-enough-for-hs256';
  const portcullis = createPortcullis({
    userManager: { users, resetPasswordToken: { secret }, verificationToken: { secret } },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret, lifetimeSeconds: 3600 }),
      }),
      createAuthBackend({
        name: 'cookie',
        transport: createCookieTransport({ cookieName: 'session' }),
        strategy: cookieStrategy,
      }),
    ],
    userFields,
  });
  const handler = portcullis.handler([
    ['/auth/jwt', portcullis.authRouter('jwt')],
    ['/auth/cookie', portcullis.authRouter('cookie')],
    ['/auth', portcullis.registerRouter()],
    ['/auth', portcullis.resetPasswordRouter()],
    ['/auth', portcullis.verifyRouter()],
    ['/users', portcullis.usersRouter()],
  ]);
  return buildOpenApi(handler.routes, portcullis.backends, { title: 'Test', version: '1.2.3' });
}

const document = demoDocument(defineUserFields({ first_name: z.string().nullable() }));

function operation(path: string, method: string): OpenApiOperation {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path}`);
  return found;
}

/** Every `$ref` anywhere in a JSON value. */
function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

function schemaOf(name: string): JsonSchema {
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`no component ${name}`);
  return schema;
}

describe('buildOpenApi', () => {
  it('is an OpenAPI 3.1.0 document with the given info', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'Test', version: '1.2.3' });
  });

  it('documents the response codes FastAPI Users lists for every route', () => {
    // FastAPI's text order, as upstream's tests list it. JavaScript enumerates integer-like keys
    // in ascending order (ECMA-262 OrdinaryOwnPropertyKeys), so no JS object, and no JSON
    // consumer such as Swagger UI, can see another order: the set and the ascending order are
    // what a JS document can match.
    const spec: [path: string, method: string, codes: string[]][] = [
      ['/auth/jwt/login', 'post', ['200', '400', '422']],
      ['/auth/cookie/login', 'post', ['200', '400', '204', '422']],
      ['/auth/jwt/logout', 'post', ['200', '401']],
      ['/auth/cookie/logout', 'post', ['200', '401', '204']],
      ['/auth/register', 'post', ['201', '400', '422']],
      ['/auth/forgot-password', 'post', ['202', '422']],
      ['/auth/reset-password', 'post', ['200', '400', '422']],
      ['/auth/request-verify-token', 'post', ['202', '422']],
      ['/auth/verify', 'post', ['200', '400', '422']],
      ['/users/me', 'get', ['200', '401']],
      ['/users/me', 'patch', ['200', '401', '400', '422']],
      ['/users/{id}', 'get', ['200', '401', '403', '404', '422']],
      ['/users/{id}', 'patch', ['200', '401', '403', '404', '400', '422']],
      ['/users/{id}', 'delete', ['204', '401', '403', '404', '422']],
    ];
    for (const [path, method, codes] of spec) {
      expect(Object.keys(operation(path, method).responses), `${method} ${path}`).toEqual(
        [...codes].sort(),
      );
    }
    expect(Object.keys(document.paths)).toEqual([
      '/auth/jwt/login',
      '/auth/jwt/logout',
      '/auth/cookie/login',
      '/auth/cookie/logout',
      '/auth/register',
      '/auth/forgot-password',
      '/auth/reset-password',
      '/auth/request-verify-token',
      '/auth/verify',
      '/users/me',
      '/users/{id}',
    ]);
  });

  it("derives operation ids and summaries from route names as FastAPI's generate_unique_id", () => {
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((op) => [op.operationId, op.summary]),
    );
    expect(ids).toEqual([
      ['auth_jwt_login_auth_jwt_login_post', 'Auth:Jwt.Login'],
      ['auth_jwt_logout_auth_jwt_logout_post', 'Auth:Jwt.Logout'],
      ['auth_cookie_login_auth_cookie_login_post', 'Auth:Cookie.Login'],
      ['auth_cookie_logout_auth_cookie_logout_post', 'Auth:Cookie.Logout'],
      ['register_register_auth_register_post', 'Register:Register'],
      ['reset_forgot_password_auth_forgot_password_post', 'Reset:Forgot Password'],
      ['reset_reset_password_auth_reset_password_post', 'Reset:Reset Password'],
      ['verify_request_token_auth_request_verify_token_post', 'Verify:Request-Token'],
      ['verify_verify_auth_verify_post', 'Verify:Verify'],
      ['users_current_user_users_me_get', 'Users:Current User'],
      ['users_patch_current_user_users_me_patch', 'Users:Patch Current User'],
      ['users_user_users__id__get', 'Users:User'],
      ['users_patch_user_users__id__patch', 'Users:Patch User'],
      ['users_delete_user_users__id__delete', 'Users:Delete User'],
    ]);
  });

  it('tags the users router `users` and every other router `auth`', () => {
    expect(operation('/users/{id}', 'delete').tags).toEqual(['users']);
    expect(operation('/auth/verify', 'post').tags).toEqual(['auth']);
    expect(operation('/auth/cookie/login', 'post').tags).toEqual(['auth']);
  });

  it('documents error examples keyed by code, with the detail shapes FastAPI Users uses', () => {
    const bad = operation('/auth/register', 'post').responses['400'];
    expect(bad?.description).toBe('Bad Request');
    const media = bad?.content?.['application/json'];
    expect(media?.schema).toEqual({ $ref: '#/components/schemas/ErrorModel' });
    expect(Object.keys(media?.examples ?? {})).toEqual([
      'REGISTER_USER_ALREADY_EXISTS',
      'REGISTER_INVALID_PASSWORD',
    ]);
    expect(media?.examples?.REGISTER_USER_ALREADY_EXISTS).toEqual({
      summary: 'A user with this email already exists.',
      value: { detail: 'REGISTER_USER_ALREADY_EXISTS' },
    });
    expect(media?.examples?.REGISTER_INVALID_PASSWORD?.value).toEqual({
      detail: {
        code: 'REGISTER_INVALID_PASSWORD',
        reason: 'Password should be at least 3 characters',
      },
    });
    const login = operation('/auth/jwt/login', 'post').responses['400']?.content?.[
      'application/json'
    ];
    expect(Object.keys(login?.examples ?? {})).toEqual([
      'LOGIN_BAD_CREDENTIALS',
      'LOGIN_USER_NOT_VERIFIED',
    ]);
  });

  it('answers bearer login with BearerResponse and an example token', () => {
    const ok = operation('/auth/jwt/login', 'post').responses['200'];
    expect(ok?.description).toBe('Successful Response');
    const media = ok?.content?.['application/json'];
    expect(media?.schema).toEqual({ $ref: '#/components/schemas/BearerResponse' });
    expect(media?.example).toMatchObject({
      token_type: 'bearer',
      access_token: expect.any(String),
    });
    expect(schemaOf('BearerResponse')).toMatchObject({
      required: ['access_token', 'token_type'],
      properties: { access_token: { type: 'string' }, token_type: { type: 'string' } },
    });
  });

  it('gives model-less default statuses an empty schema and 204/401/403/404 no content', () => {
    const cookieLogin = operation('/auth/cookie/login', 'post').responses;
    expect(cookieLogin['200']).toEqual({
      description: 'Successful Response',
      content: { 'application/json': { schema: {} } },
    });
    expect(cookieLogin['204']).toEqual({ description: 'No Content' });
    expect(operation('/auth/forgot-password', 'post').responses['202']?.content).toEqual({
      'application/json': { schema: {} },
    });
    const remove = operation('/users/{id}', 'delete').responses;
    expect(remove['204']).toEqual({ description: 'Successful Response' });
    expect(remove['401']).toEqual({ description: 'Missing token or inactive user.' });
    expect(remove['403']).toEqual({ description: 'Not a superuser.' });
    expect(remove['404']).toEqual({ description: 'The user does not exist.' });
  });

  it('refers user responses and model bodies to the user components', () => {
    const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
    const register = operation('/auth/register', 'post');
    expect(register.requestBody).toEqual({
      content: { 'application/json': { schema: ref('UserCreate') } },
      required: true,
    });
    expect(register.responses['201']?.content?.['application/json']?.schema).toEqual(
      ref('UserRead'),
    );
    expect(
      operation('/users/me', 'patch').requestBody?.content['application/json']?.schema,
    ).toEqual(ref('UserUpdate'));
    expect(
      operation('/users/{id}', 'get').responses['200']?.content?.['application/json']?.schema,
    ).toEqual(ref('UserRead'));
  });

  it('names inline bodies Body_<operationId>, the login form urlencoded', () => {
    const login = operation('/auth/jwt/login', 'post').requestBody;
    expect(login).toEqual({
      content: {
        'application/x-www-form-urlencoded': {
          schema: { $ref: '#/components/schemas/Body_auth_jwt_login_auth_jwt_login_post' },
        },
      },
      required: true,
    });
    const form = schemaOf('Body_auth_jwt_login_auth_jwt_login_post');
    expect(form.title).toBe('Body_auth_jwt_login_auth_jwt_login_post');
    expect(form.required).toEqual(['username', 'password']);
    expect(form.properties).toMatchObject({
      grant_type: { anyOf: [{ type: 'string', pattern: '^password$' }, { type: 'null' }] },
      username: { type: 'string', title: 'Username' },
      password: { type: 'string', format: 'password' },
      scope: { type: 'string', default: '' },
      client_id: { type: ['string', 'null'], title: 'Client Id' },
      client_secret: { type: ['string', 'null'], format: 'password' },
    });
    expect(document.components.schemas).not.toHaveProperty('LoginForm');

    const forgot = schemaOf('Body_reset_forgot_password_auth_forgot_password_post');
    expect(forgot).toMatchObject({
      properties: { email: { type: 'string', format: 'email', title: 'Email' } },
      required: ['email'],
    });
    expect(schemaOf('Body_reset_reset_password_auth_reset_password_post').required).toEqual([
      'token',
      'password',
    ]);
    expect(schemaOf('Body_verify_verify_auth_verify_post').required).toEqual(['token']);
  });

  it('documents the {id} path parameter as a plain string', () => {
    for (const method of ['get', 'patch', 'delete']) {
      expect(operation('/users/{id}', method).parameters).toEqual([
        { name: 'id', in: 'path', required: true, schema: { type: 'string', title: 'Id' } },
      ]);
    }
    expect(operation('/users/me', 'get').parameters).toBeUndefined();
  });

  it("lists every backend's scheme on protected routes only", () => {
    const both = [{ OAuth2PasswordBearer: [] }, { APIKeyCookie: [] }];
    expect(operation('/users/me', 'get').security).toEqual(both);
    expect(operation('/auth/cookie/logout', 'post').security).toEqual(both);
    expect(operation('/auth/register', 'post').security).toBeUndefined();
    expect(operation('/auth/jwt/login', 'post').security).toBeUndefined();
    expect(document.components.securitySchemes).toEqual({
      OAuth2PasswordBearer: {
        type: 'oauth2',
        flows: { password: { tokenUrl: 'auth/jwt/login', scopes: {} } },
      },
      APIKeyCookie: { type: 'apiKey', in: 'cookie', name: 'session' },
    });
  });

  it("appends FastAPI's 422 with HTTPValidationError and ValidationError", () => {
    expect(operation('/auth/verify', 'post').responses['422']).toEqual({
      description: 'Validation Error',
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } },
      },
    });
    expect(schemaOf('HTTPValidationError')).toMatchObject({
      type: 'object',
      properties: {
        detail: { type: 'array', items: { $ref: '#/components/schemas/ValidationError' } },
      },
    });
    const error = schemaOf('ValidationError');
    expect(error.required).toEqual(['loc', 'msg', 'type']);
    expect(Object.keys(error.properties as object)).toEqual(['loc', 'msg', 'type', 'input', 'ctx']);
    expect(error.properties).toMatchObject({
      loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    });
    expect(schemaOf('ErrorModel')).toMatchObject({
      required: ['detail'],
      properties: {
        detail: {
          anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }],
        },
      },
    });
  });

  it("shows the read schema's output shape, custom fields included", () => {
    const read = schemaOf('UserRead');
    expect(read.title).toBe('UserRead');
    expect(read.properties).toMatchObject({
      is_verified: { type: 'boolean', default: false, title: 'Is Verified' },
      first_name: { type: ['string', 'null'], title: 'First Name' },
    });
    expect(read.required).toEqual(
      expect.arrayContaining(['id', 'email', 'is_verified', 'first_name']),
    );
    const create = schemaOf('UserCreate');
    expect(create.required).toEqual(['email', 'password']);
    expect(schemaOf('UserUpdate').required).toBeUndefined();
  });

  it('holds exactly the components the routes use, sorted', () => {
    expect(Object.keys(document.components.schemas)).toEqual([
      'BearerResponse',
      'Body_auth_cookie_login_auth_cookie_login_post',
      'Body_auth_jwt_login_auth_jwt_login_post',
      'Body_reset_forgot_password_auth_forgot_password_post',
      'Body_reset_reset_password_auth_reset_password_post',
      'Body_verify_request_token_auth_request_verify_token_post',
      'Body_verify_verify_auth_verify_post',
      'ErrorModel',
      'HTTPValidationError',
      'UserCreate',
      'UserRead',
      'UserUpdate',
      'ValidationError',
    ]);
  });

  it('resolves every $ref in the document to a component', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas).toHaveProperty([
        ref.slice('#/components/schemas/'.length),
      ]);
    }
  });

  it('splits a nested schema that reads differently as input and output, as FastAPI does', () => {
    const address = z
      .object({ city: z.string(), country: z.string().default('FR') })
      .meta({ id: 'Address' });
    const withAddress = demoDocument(defineUserFields({ address: address.nullable() }));
    const { schemas } = withAddress.components;
    expect(schemas).not.toHaveProperty('Address');
    expect(schemas['Address-Output']?.required).toEqual(['city', 'country']);
    expect(schemas['Address-Input']?.required).toEqual(['city']);
    expect(JSON.stringify(schemas.UserRead)).toContain('#/components/schemas/Address-Output');
    expect(JSON.stringify(schemas.UserCreate)).toContain('#/components/schemas/Address-Input');
    for (const ref of refsIn(withAddress)) {
      expect(schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
  });

  it('is deterministic and shares no objects with the route table', () => {
    const again = demoDocument(defineUserFields({ first_name: z.string().nullable() }));
    const text = JSON.stringify(again);
    expect(text).toBe(JSON.stringify(document));
    // The PATCH 400 examples are module-level constants of the users router: editing one
    // document must not reach them, nor the next document.
    const media = again.paths['/users/me']?.patch?.responses['400']?.content?.['application/json'];
    const value = media?.examples?.UPDATE_USER_INVALID_PASSWORD?.value as {
      detail: { code: string };
    };
    value.detail.code = 'changed';
    const next = demoDocument(defineUserFields({ first_name: z.string().nullable() }));
    expect(JSON.stringify(next)).toBe(text);
  });
});
