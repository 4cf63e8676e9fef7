import type { KioskRequest } from '@cocalc-embed/protocol';
import { ProbeSchedule, type ProbeOptions } from './probe-schedule.js';
import type { Timers } from './timers.js';

/**
 * After ready, when several probes were outstanding, how long to wait for their (identical)
 * answers before sending user calls: taken for the answer to a user's `status`, they would put
 * every following answer off by one. Ends early once every probe of the connection was answered.
 */
const PROBE_SETTLE_MS = 40;

/** What the probes need from the connection. */
export interface ProbeLink {
  /** Whether the connection still waits for readiness. */
  connecting(): boolean;
  /** Whether the frame shows a document that may be probed (never the initial about:blank). */
  showsKiosk(): boolean;
  post(request: KioskRequest): boolean;
  /** The late probe answers are in (or waited for long enough): user calls may go. */
  settled(): void;
}

/**
 * The readiness probes of one connection: `status` at once and then on a schedule (a burst, then
 * back-off) until the first answer; then, while other probes are still unanswered, a short settle
 * in which their late answers are swallowed.
 */
export class StatusProbes {
  /** Probes posted, and answers seen, since the last restart. */
  sent = 0;
  #answered = 0;
  readonly #schedule: ProbeSchedule;
  readonly #timers: Timers;
  readonly #link: ProbeLink;
  #timer: number | undefined;
  #settleTimer: number | undefined;

  constructor(options: ProbeOptions, timers: Timers, link: ProbeLink) {
    this.#schedule = new ProbeSchedule(options);
    this.#timers = timers;
    this.#link = link;
  }

  /** Whether late probe answers are still being waited for. */
  get settling(): boolean {
    return this.#settleTimer !== undefined;
  }

  /** Probes from scratch, at once: if the frame loaded before connect(), its load event is gone. */
  restart(): void {
    this.stop();
    this.#schedule.reset();
    this.sent = this.#answered = 0;
    this.#probe();
  }

  /** Stops probing (ready, failed). */
  stop(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  /** The first answer arrived: stop, and settle if other probes are still out. */
  firstAnswer(): void {
    this.stop();
    this.#answered++;
    if (this.#answered < this.sent) this.#settleTimer = this.#timers.later(() => this.#endSettle(), PROBE_SETTLE_MS);
  }

  /** A late answer while settling: done when all are in, else wait a little longer. */
  lateAnswer(): void {
    this.#answered++;
    if (this.#answered >= this.sent) return this.#endSettle();
    this.#timers.clear(this.#settleTimer);
    this.#settleTimer = this.#timers.later(() => this.#endSettle(), PROBE_SETTLE_MS);
  }

  /** Ends the settle without letting anything go (the document is gone). */
  dropSettle(): void {
    this.#timers.clear(this.#settleTimer);
    this.#settleTimer = undefined;
  }

  /** Ends the settle and lets user calls go. */
  #endSettle(): void {
    this.dropSettle();
    this.#link.settled();
  }

  #probe(): void {
    this.#timer = undefined;
    const link = this.#link;
    if (!link.connecting()) return;
    // Not the kiosk yet: look again soon, and start the fast burst once it is there, so a
    // listener that CoCalc installs before its `load` is found within a few ms.
    if (!link.showsKiosk()) this.#schedule.reset();
    else if (link.post({ action: 'status' })) this.sent++;
    this.#timer = this.#timers.later(() => this.#probe(), this.#schedule.next());
  }
}
