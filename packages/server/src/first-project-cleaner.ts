import type { CocalcApi } from './cocalc-api.js';
import type { AccountRecord, EmbedStore, FirstProjectCleanup, FirstProjectState } from './embed-store.js';
import { silentLogger, type Logger } from './logger.js';
import { UpstreamError } from './upstream-error.js';

/** The title CoCalc gives the project it creates and starts at every sign-up. */
export const FIRST_PROJECT_TITLE = 'My First Project';

/** What to do with that project: see `COCALC_EMBED_FIRST_PROJECT`. */
export type FirstProjectMode = 'stop' | 'delete' | 'keep';

/**
 * Delays between attempts, in ms. CoCalc creates the project in the background after answering the
 * sign-up, so the first look comes a little later; errors back off up to an hour.
 */
const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;
/** After this many looks that found no such project, CoCalc made none (older servers, other settings). */
const EMPTY_LOOKS = 3;
/** A stop is sent twice, this far apart: CoCalc may still be starting the project at the first one. */
const CONFIRM_STOP_MS = 30_000;
/** Attempts after which a clean-up that keeps failing is given up (logged as an error). */
const MAX_ATTEMPTS = 12;

/** Options of {@link FirstProjectCleaner}. */
export interface FirstProjectCleanerOptions {
  api: () => Promise<CocalcApi>;
  store: EmbedStore;
  site: string;
  mode: FirstProjectMode;
  logger?: Logger;
  now?: () => number;
}

/**
 * Stops (or deletes) the "My First Project" CoCalc creates and starts for every new account, so a
 * class of 300 does not leave 300 idle project servers running. Only the owner may stop it and the
 * API key's account cannot list another user's projects, so the cleaner signs in as the user with
 * the stored password (`auth/sign-in`), lists the user's projects (`projects/get`) and stops or
 * deletes the ones with that title. The job is recorded in the store and runs in the background
 * with retries; a failure never fails a visit.
 */
export class FirstProjectCleaner {
  private readonly logger: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: FirstProjectCleanerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** Records the clean-up of a new account's sign-up project and schedules it. */
  async schedule(account: AccountRecord): Promise<void> {
    if (this.options.mode === 'keep') return;
    await this.options.store.putFirstProjectCleanup({
      site: this.options.site,
      userId: account.userId,
      accountId: account.accountId,
      state: 'pending',
      attempts: 0,
      nextAt: this.now() + RETRY_DELAYS_MS[0],
    });
    this.wake(RETRY_DELAYS_MS[0]);
  }

  /** Picks up clean-ups left pending by an earlier process. */
  start(): void {
    if (this.options.mode !== 'keep') this.wake(0);
  }

  /** Runs every due clean-up now; resolves when they are done (tests, CLI). */
  runDue(): Promise<void> {
    // One sweep at a time across every instance sharing the store: the next one finds the jobs the
    // first handled already moved on, so no sign-up project is cleaned up twice at once.
    this.running ??= this.options.store
      .exclusive(JSON.stringify(['first-projects', this.options.site]), () => this.sweep())
      .catch((error: unknown) => {
        // The store could not even be reached for the lock: try again later, never crash.
        this.logger.error('first-project clean-up sweep failed', { error: error instanceof Error ? error.message : 'unknown' });
        this.wake(RETRY_DELAYS_MS[1]);
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the timer; pending jobs stay recorded for the next process. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private wake(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runDue();
    }, delayMs);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    const { store, site } = this.options;
    try {
      for (const job of await store.dueFirstProjectCleanups(site, this.now(), 20)) {
        if (this.closed) return;
        await this.attempt(job);
      }
      const next = await store.dueFirstProjectCleanups(site, Number.MAX_SAFE_INTEGER, 1);
      if (next[0]) this.wake(Math.max(100, next[0].nextAt - this.now()));
    } catch (error) {
      this.logger.error('first-project clean-up sweep failed', { error: error instanceof Error ? error.message : 'unknown' });
      this.wake(RETRY_DELAYS_MS[1]);
    }
  }

  private async attempt(job: FirstProjectCleanup): Promise<void> {
    const { store, site, mode } = this.options;
    const attempts = job.attempts + 1;
    const later = (state: FirstProjectState, delay: number) => store.updateFirstProjectCleanup(site, job.userId, state, attempts, this.now() + delay);
    try {
      const account = await store.getAccount(site, job.userId);
      if (!account) return void (await later('none', 0));
      this.logger.addSecret(account.password);
      const api = await this.options.api();
      const session = await api.signIn(account.email, account.password);
      const firsts = (await api.listProjects({ session, limit: 100 })).filter((p) => p.title === FIRST_PROJECT_TITLE);
      if (firsts.length === 0) {
        // Nothing (yet): CoCalc creates it in the background after the sign-up, or not at all.
        if (job.state === 'confirming') return void (await later('stopped', 0));
        if (attempts >= EMPTY_LOOKS) return void (await later('none', 0));
        return void (await later('pending', RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length - 1)]!));
      }
      for (const project of firsts) {
        if (mode === 'delete') await api.deleteProject(project.projectId, session);
        else await api.stopProject(project.projectId, session);
      }
      this.logger.info('cleaned up the sign-up project', { userId: job.userId, action: mode, projects: firsts.length });
      // Deleted projects leave the list, so a delete is final. A stop is confirmed once more later,
      // because CoCalc may still have been starting the project when the first stop came.
      if (mode === 'delete') return void (await later('deleted', 0));
      if (job.state === 'confirming') return void (await later('stopped', 0));
      await later('confirming', CONFIRM_STOP_MS);
      this.wake(CONFIRM_STOP_MS);
    } catch (error) {
      const detail = error instanceof UpstreamError ? { kind: error.kind, endpoint: error.endpoint, status: error.status } : {};
      if (attempts >= MAX_ATTEMPTS) {
        this.logger.error('gave up cleaning up the sign-up project', { userId: job.userId, attempts, ...detail });
        return void (await later('none', 0));
      }
      const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length - 1)]!;
      this.logger.warn('could not clean up the sign-up project yet; will retry', { userId: job.userId, attempts, retryInMs: delay, ...detail });
      await later('pending', delay);
    }
  }
}
