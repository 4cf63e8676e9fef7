/** Path of the Chromium binary (`CHROME_PATH` or Debian's `/usr/bin/chromium`). */
export declare const CHROMIUM_PATH: string;
/** Command-line flags for every Chromium launch on these machines. */
export declare const CHROMIUM_ARGS: readonly string[];
