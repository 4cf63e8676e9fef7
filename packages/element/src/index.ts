// Importing the package registers <cocalc-notebook>; import './cocalc-notebook-element.js' for the class alone.
import './define.js';

export { CocalcNotebookElement } from './cocalc-notebook-element.js';
export type { NotebookCallOptions, NotebookLoading } from './cocalc-notebook-element.js';
export { COCALC_NOTEBOOK_TAG, defineCocalcNotebook } from './define.js';
export { NotebookState } from './notebook-state.js';
export { CocalcStateChangeEvent } from './events/cocalc-state-change-event.js';
export { CocalcReadyEvent } from './events/cocalc-ready-event.js';
export { CocalcFileOpenEvent } from './events/cocalc-file-open-event.js';
export { CocalcFileOpenedEvent } from './events/cocalc-file-opened-event.js';
export { CocalcFilesChangeEvent } from './events/cocalc-files-change-event.js';
export { CocalcErrorEvent } from './events/cocalc-error-event.js';
export { CocalcControlResultEvent, CONTROL_ACTIONS } from './events/cocalc-control-result-event.js';
export type { ControlAction } from './events/cocalc-control-result-event.js';
export { getTokenBroker, TokenBroker } from './token-broker.js';
export type { TokenBrokerOptions, TokenBrokerRequest, TokenGrant } from './token-broker.js';
export type { TokenProvider, TokenProviderRequest } from './token-provider.js';
export type { Diagnosis } from './diagnose.js';
export { CocalcError, CocalcErrorCode } from '@cocalc-embed/protocol';
export type { TokenResponse } from '@cocalc-embed/protocol';
