import { css } from 'lit';

/**
 * Styles of `<cocalc-notebook>`; sizes and colours are custom properties so hosts rarely need ::part.
 * One rule per line: lit ships this text as is (nothing minifies it), and it counts towards the
 * bundle budget. `.sign-in-frame` is the throw-away impersonate frame: loaded, never shown, never
 * focusable.
 */
export const styles = css`
:host { display: block; position: relative; box-sizing: border-box; width: 100%; height: var(--cocalc-notebook-height, 600px); border: var(--cocalc-notebook-border, 1px solid #d0d7de); border-radius: var(--cocalc-notebook-radius, 4px); background: var(--cocalc-notebook-background, #fff); color: var(--cocalc-notebook-color, #1f2328); font: var(--cocalc-notebook-font, 14px/1.4 system-ui, sans-serif); overflow: hidden; contain: content }
:host([hidden]) { display: none }
.stage, .stage > iframe { position: absolute; inset: 0; width: 100%; height: 100%; border: 0 }
.stage > iframe.sign-in-frame { visibility: hidden; pointer-events: none; width: 1px; height: 1px }
.overlay { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 0.75em; padding: 1em; text-align: center; background: var(--cocalc-notebook-background, #fff) }
.spinner { width: 2em; height: 2em; border-radius: 50%; border: 0.25em solid var(--cocalc-notebook-accent-faint, #d0d7de); border-top-color: var(--cocalc-notebook-accent, #4474c0); animation: spin 0.9s linear infinite }
@media (prefers-reduced-motion: reduce) { .spinner { animation: none } }
@keyframes spin { to { transform: rotate(360deg) } }
.message { margin: 0; font-weight: 600; overflow-wrap: anywhere }
.hint { margin: 0; max-width: 40em; opacity: 0.85; overflow-wrap: anywhere }
button { font: inherit; padding: 0.5em 1.2em; border-radius: 4px; border: 1px solid var(--cocalc-notebook-accent, #4474c0); background: var(--cocalc-notebook-accent, #4474c0); color: #fff; cursor: pointer }
button:focus-visible { outline: 2px solid var(--cocalc-notebook-accent, #4474c0); outline-offset: 2px }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0 }
`;
