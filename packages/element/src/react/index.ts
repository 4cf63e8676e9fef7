import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { CocalcNotebookElement } from '../cocalc-notebook-element.js';
import { defineCocalcNotebook } from '../define.js';
import type { CocalcErrorEvent } from '../events/cocalc-error-event.js';
import type { CocalcFileOpenEvent } from '../events/cocalc-file-open-event.js';
import type { CocalcFileOpenedEvent } from '../events/cocalc-file-opened-event.js';
import type { CocalcFilesChangeEvent } from '../events/cocalc-files-change-event.js';
import type { CocalcReadyEvent } from '../events/cocalc-ready-event.js';
import type { CocalcStateChangeEvent } from '../events/cocalc-state-change-event.js';
export type {} from './cocalc-notebook-jsx.js';

defineCocalcNotebook();

/**
 * `<CocalcNotebook path="intro.ipynb" onCocalcReady={…} />` for React: properties (including
 * `tokenProvider`) are set as properties, and the element's events become typed `onCocalc…` props.
 */
export const CocalcNotebook = createComponent({
  tagName: 'cocalc-notebook',
  elementClass: CocalcNotebookElement,
  react: React,
  events: {
    onCocalcStateChange: 'cocalc-state-change' as EventName<CocalcStateChangeEvent>,
    onCocalcReady: 'cocalc-ready' as EventName<CocalcReadyEvent>,
    onCocalcFileOpen: 'cocalc-file-open' as EventName<CocalcFileOpenEvent>,
    onCocalcFileOpened: 'cocalc-file-opened' as EventName<CocalcFileOpenedEvent>,
    onCocalcFilesChange: 'cocalc-files-change' as EventName<CocalcFilesChangeEvent>,
    onCocalcError: 'cocalc-error' as EventName<CocalcErrorEvent>,
  },
  displayName: 'CocalcNotebook',
});
