/**
 * A configuration problem found at start. The message names the variable and what is wrong with
 * it, never its value (docs/threat-model.md#api-key-exposure: a malformed key must not be echoed).
 */
export class ConfigError extends Error {
  /** The environment variables at fault. */
  readonly variables: readonly string[];

  constructor(problems: ReadonlyArray<{ variable: string; problem: string }>) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.variables = problems.map((p) => p.variable);
  }
}
