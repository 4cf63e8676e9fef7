// The public API of @cocalc-embed/server: only what its README documents — the token app and the
// Node server around it, configuration, the store interface and its SQLite implementation, the
// logger, and the error codes. The parts they are built from (CoCalc API clients, provisioner,
// circuit breaker, limiters, single-flight, upstream transport, trusted proxies…) are internal:
// tests import them from their own modules.
export { ApiErrorCode } from './api-error-code.js';
export type { ApiGeneration } from './cocalc-api.js';
export { ConfigError } from './config-error.js';
export { createDemoAuth, DEMO_COOKIE_NAME } from './demo-auth.js';
export type { Authenticate, DemoAuth, DemoAuthOptions } from './demo-auth.js';
export { createStore, SchemaBehindError } from './create-store.js';
export type { CreateStoreOptions } from './create-store.js';
export type { AccountIntent, AccountRecord, EmbedStore, FirstProjectCleanup, FirstProjectState, MintedToken, ProjectIntent, ProjectRecord } from './embed-store.js';
export { DEFAULT_TEMPLATE_DIR, loadConfig } from './load-config.js';
export type { ServerConfig } from './load-config.js';
export type { ApiKeyAuth } from './upstream-transport.js';
export { createLogger, LOG_LEVELS, silentLogger } from './logger.js';
export type { Logger, LoggerOptions, LogLevel } from './logger.js';
export { SCHEMA_VERSION, schemaStatus } from './migrations.js';
export type { SchemaStatus } from './migrations.js';
export { PostgresEmbedStore } from './postgres-embed-store.js';
export type { PostgresEmbedStoreOptions } from './postgres-embed-store.js';
export type { RateLimit } from './rate-limit.js';
export type { RateDecision, RateLimiterOptions } from './rate-limiter.js';
export { SQLITE_FILE_NAME, SqliteEmbedStore } from './sqlite-embed-store.js';
export { startServer } from './start-server.js';
export type { RunningServer, StartServerOptions } from './start-server.js';
export { createTokenApp } from './token-app.js';
export type { TokenApp, TokenAppOptions, TokenAppRuntime } from './token-app.js';
