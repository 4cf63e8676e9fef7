import { CocalcError } from '@cocalc-embed/protocol';
import { abortable } from './abortable.js';
import { createKioskFrame, navigateFrame } from './kiosk-frame.js';

/** Timing bounds of {@link impersonateSignIn}. */
export interface ImpersonateOptions {
  /** Cancels the sign-in; the throw-away frame is removed either way. */
  readonly signal: AbortSignal;
  /** Ms to wait for the impersonate page's first load (default 15 000). */
  readonly loadTimeoutMs?: number;
}

/**
 * The `impersonate`-era sign-in (CoCalc ≥ 2024-10-19): loads `{base}/auth/impersonate?auth_token=…` in a hidden,
 * throw-away iframe inside `container`, waits for its load, then removes it. The cookies it set
 * sign the kiosk frame in; the token never touches the kiosk frame or any `src` attribute.
 *
 * Why not wait for the second load (CoCalc's client-side redirect to `/app`): the sign-in cookies
 * come with the first response, so they are set by the time its `load` fires. The redirect's
 * `location.href = …/app` is a push navigation that would add an entry to the top window's joint
 * session history (Back would then step through a dead sign-in frame) and load the whole CoCalc app
 * for nothing. Removing the frame in the parent's `load` handler — which runs right after the
 * frame's own `onload` started that navigation — cancels it before it commits.
 */
export async function impersonateSignIn(container: Node, url: string, options: ImpersonateOptions): Promise<void> {
  const frame = createKioskFrame('CoCalc sign-in');
  frame.removeAttribute('part');
  frame.setAttribute('aria-hidden', 'true');
  frame.setAttribute('tabindex', '-1');
  frame.className = 'sign-in-frame';
  const loadTimeoutMs = options.loadTimeoutMs ?? 15_000;
  try {
    container.appendChild(frame);
    await abortable(
      (signal) =>
        new Promise<void>((resolve) => {
          // Listen only after the synchronous about:blank load of the freshly inserted frame.
          frame.addEventListener('load', () => resolve(), { once: true, signal });
          navigateFrame(frame, url);
        }),
      {
        signal: options.signal,
        aborted: () => new CocalcError('ABORTED', 'Sign-in was cancelled.'),
        timeoutMs: loadTimeoutMs,
        timedOut: () => new CocalcError('READY_TIMEOUT', `CoCalc's sign-in page did not load within ${loadTimeoutMs} ms.`),
      },
    );
  } finally {
    frame.remove();
  }
}
