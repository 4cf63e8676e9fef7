/**
 * The element's lifecycle states, in the order a successful mount visits them:
 * - `idle`: nothing requested yet (a `lazy` element off-screen, a `click` element before its click);
 * - `token`: asking the token endpoint (or `tokenProvider`) for a token;
 * - `loading`: signing in and loading the kiosk frame;
 * - `connecting`: the frame loaded; waiting for CoCalc's first status reply;
 * - `ready`: CoCalc answers; methods go straight through;
 * - `error`: something failed; see the `cocalc-error` event and `element.error`;
 * - `expired`: the session expired and is being renewed in place (then `token` again).
 */
export const NotebookState = {
  IDLE: 'idle',
  TOKEN: 'token',
  LOADING: 'loading',
  CONNECTING: 'connecting',
  READY: 'ready',
  ERROR: 'error',
  EXPIRED: 'expired',
} as const;

/** Union of every {@link NotebookState} value. */
export type NotebookState = (typeof NotebookState)[keyof typeof NotebookState];

/** What the aria-live region says when the element enters a state (no secrets, no paths). */
export const STATE_ANNOUNCEMENTS: Readonly<Record<NotebookState, string>> = {
  idle: '',
  token: 'Signing in to CoCalc…',
  loading: 'Loading CoCalc…',
  connecting: 'Connecting to CoCalc…',
  ready: 'CoCalc is ready.',
  error: 'CoCalc could not be loaded.',
  expired: 'The CoCalc session expired; renewing…',
};
