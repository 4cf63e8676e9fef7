/** The engines every browser suite runs in, in the order they run. */
export declare const ENGINES: readonly ['chromium', 'firefox', 'webkit'];
/** One browser engine. */
export type Engine = (typeof ENGINES)[number];
/** The engines this run asks for (`BROWSERS=firefox,webkit`; unset = all). Throws on unknown names. */
export declare function selectedEngines(value?: string): Engine[];
/** Path of the Chromium binary (`CHROME_PATH` or Debian's `/usr/bin/chromium`). */
export declare const CHROMIUM_PATH: string;
/** Command-line flags for every Chromium launch on these machines. */
export declare const CHROMIUM_ARGS: readonly string[];
/** Path of Debian's Firefox ESR (`FIREFOX_PATH` or `/usr/bin/firefox-esr`). */
export declare const FIREFOX_PATH: string;
/** Preferences for every Firefox launch (no calls home on a closed network). */
export declare const FIREFOX_PREFS: Readonly<Record<string, boolean | number | string>>;
/** WebKitGTK's WebDriver server. */
export declare const WEBKIT_DRIVER_PATH: string;
/** WebKitGTK's MiniBrowser. */
export declare const MINIBROWSER_PATH: string;
/** WebDriver capabilities for a MiniBrowser session (classic WebDriver forced). */
export declare function webkitCapabilities(options?: { acceptInsecureCerts?: boolean }): Record<string, unknown>;
/** `unshare` arguments that run a command as the first process of a fresh PID (and mount) namespace. */
export declare function namespaceArgs(options?: { mount?: boolean }): string[];
/** A free TCP port on 127.0.0.1. */
export declare function freePort(): Promise<number>;
/**
 * Starts WebKitWebDriver under xvfb-run in its own PID namespace; `stop()` ends all of it.
 * `hosts` (name → address) gives the browser its own /etc/hosts.
 */
export declare function startWebKitDriver(options?: {
  hosts?: Readonly<Record<string, string>>;
}): Promise<{ port: number; url: string; stop(): Promise<void> }>;
