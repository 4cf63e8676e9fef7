/**
 * CoCalc's `misc.defaults.required` sentinel (`src/packages/util/misc.ts`), which shows up in
 * `invalid parameters` error texts.
 */
export const REQUIRED = '__!!!!!!this is a required property!!!!!!__';

/**
 * The v1 API messages the emulator answers, with their fields and defaults as in
 * `src/packages/util/message.js` as of 2024-10-18 (docs/cocalc-protocol.md#api-v1). `undefined` = optional
 * without default. `event` and `id` are on every message.
 */
export const V1_API_MESSAGES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  ping: {},
  create_account: {
    first_name: undefined,
    last_name: undefined,
    email_address: undefined,
    password: undefined,
    agreed_to_terms: undefined,
    token: undefined,
    get_api_key: undefined,
    usage_intent: undefined,
  },
  create_project: { title: '', description: '', image: undefined, license: undefined, start: false, noPool: false },
  add_collaborator: { project_id: undefined, account_id: REQUIRED, token_id: undefined },
  write_text_file_to_project: { project_id: REQUIRED, path: REQUIRED, content: REQUIRED },
  read_text_file_from_project: { project_id: REQUIRED, path: REQUIRED },
  copy_path_between_projects: {
    src_project_id: REQUIRED,
    src_path: REQUIRED,
    target_project_id: REQUIRED,
    target_path: undefined,
    overwrite_newer: false,
    delete_missing: false,
    backup: false,
    timeout: undefined,
    wait_until_done: false,
    scheduled: undefined,
    exclude: undefined,
  },
  project_exec: {
    project_id: REQUIRED,
    command: REQUIRED,
    path: '',
    args: [],
    timeout: 10,
    max_output: undefined,
    bash: false,
    aggregate: undefined,
    err_on_exit: true,
  },
  user_auth: { account_id: REQUIRED, password: REQUIRED },
  user_search: { query: REQUIRED, admin: false, active: '', limit: 20 },
  touch_project: { project_id: REQUIRED },
};

/**
 * Messages that exist in CoCalc's `message.js` but are not HTTP API messages (a sample of the
 * hub↔browser ones): CoCalc answers them with "endpoint '…' is not part of the HTTP API".
 */
export const NON_API_MESSAGES: ReadonlySet<string> = new Set([
  'error',
  'success',
  'pong',
  'sign_in',
  'sign_in_using_auth_token',
  'signed_in',
  'sign_out',
  'remember_me_failed',
  'account_created',
  'account_creation_failed',
  'project_created',
  'cookies',
  'user_auth_token',
  'revoke_auth_token',
]);

/**
 * CoCalc's `misc.defaults(obj1, obj2, allow_extra=false, strict=true)`: fills defaults, and throws
 * `misc.defaults -- TypeError: …` for a missing required field (null counts as missing) or an
 * unexpected one. The error text embeds both objects like CoCalc's (`to_json`, truncated to 1024);
 * unlike CoCalc, a `password` value is shown as `[redacted]` so the secret is never echoed.
 */
export function applyDefaults(obj1: Record<string, unknown>, obj2: Record<string, unknown>): Record<string, unknown> {
  const describe = () =>
    `(obj1=${trunc(JSON.stringify(redactPasswords(obj1)) ?? 'undefined', 1024)}, obj2=${trunc(JSON.stringify(obj2), 1024)})`;
  const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const prop of Object.keys(obj2)) {
    const given = Object.prototype.hasOwnProperty.call(obj1, prop) ? obj1[prop] : undefined;
    if (given !== undefined && given !== null) {
      result[prop] = given;
    } else if (obj2[prop] !== undefined) {
      if (obj2[prop] === REQUIRED) throw new TypeError(`misc.defaults -- TypeError: property '${prop}' must be specified: ${describe()}`);
      result[prop] = obj2[prop];
    }
  }
  for (const prop of Object.keys(obj1)) {
    if (!Object.prototype.hasOwnProperty.call(obj2, prop)) {
      throw new TypeError(`misc.defaults -- TypeError: got an unexpected argument '${prop}' ${describe()}`);
    }
  }
  return result;
}

function redactPasswords(obj: Record<string, unknown>): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(obj, 'password')) return obj;
  return { ...obj, password: '[redacted]' };
}

function trunc(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
