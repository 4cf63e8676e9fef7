import type { ReactiveControllerHost } from 'lit';
import type { CocalcError } from '@cocalc-embed/protocol';
import type { NotebookState } from './notebook-state.js';
import type { TokenBroker } from './token-broker.js';
import type { TokenProvider } from './token-provider.js';

/**
 * The element as its session sees it: the properties a session reads (always at the moment it
 * needs them, so a framework that sets properties after connecting is heard). Read-only on
 * purpose: what the session changes on the element goes through {@link SessionView}.
 */
export interface SessionHost extends ReactiveControllerHost, HTMLElement {
  readonly path: string;
  readonly project: string | undefined;
  readonly tokenEndpoint: string;
  readonly tokenProvider: TokenProvider | undefined;
  readonly tokenBroker: TokenBroker | undefined;
  readonly loading: 'eager' | 'lazy' | 'click';
  readonly readyTimeout: number;
  readonly debug: boolean;
  readonly state: NotebookState;
  readonly openFiles: readonly string[];
  readonly error: CocalcError | undefined;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * What the session changes on the element. The element keeps these private (they are not API), so
 * it hands the session these functions instead of making them public members.
 */
export interface SessionView {
  /** Moves to `next`; `silent` skips the `cocalc-state-change` event (a removed element announces nothing). */
  setState(next: NotebookState, silent?: boolean): void;
  setError(error: CocalcError | undefined): void;
  setFiles(files: readonly string[]): void;
  /** A debug line (only printed with the `debug` attribute; tokens already redacted). */
  log(message: string): void;
}
