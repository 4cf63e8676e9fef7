export { AUTH_TOKEN_PATTERN, isAuthToken, redactToken } from './auth-token.js';
export { CocalcError, CocalcErrorCode, isRetryable, retryPolicy } from './cocalc-error.js';
export type { CocalcErrorOptions, RetryPolicy } from './cocalc-error.js';
export { isValidUuid } from './is-valid-uuid.js';
export { KIOSK_ACTIONS } from './kiosk-request.js';
export type { CloseAllRequest, KioskAction, KioskRequest, OpenRequest, StatusRequest } from './kiosk-request.js';
export type {
  AckReply,
  CloseAllReply,
  ErrorReply,
  KioskConnection,
  KioskReply,
  OpenDoneReply,
  StatusReply,
} from './kiosk-reply.js';
export { cocalcOrigin, impersonateUrl, kioskUrl, normalizeCocalcUrl } from './kiosk-url.js';
export type { KioskUrlOptions } from './kiosk-url.js';
export { isPlainObject, MESSAGE_LIMITS, withinMessageLimits } from './message-limits.js';
export { parseKioskReply } from './parse-kiosk-reply.js';
export { parseProjectLogMessage, PROJECT_LOG_SOURCE } from './project-log-message.js';
export type { ProjectLogEntry } from './project-log-message.js';
export { assertProjectPath, encodeProjectPath, MAX_PATH_LENGTH, projectPathProblem } from './project-path.js';
export {
  DEFAULT_TOKEN_ENDPOINT,
  MAX_PROVISIONING_RETRY_AFTER,
  parseApiErrorBody,
  parseProvisioningResponse,
  parseTokenResponse,
  PROJECT_NAME_PATTERN,
  SIGN_IN_ERAS,
  TOKEN_REQUEST_HEADER,
} from './token-response.js';
export type { ApiErrorBody, ProvisioningResponse, SignInEra, TokenRequest, TokenResponse } from './token-response.js';
