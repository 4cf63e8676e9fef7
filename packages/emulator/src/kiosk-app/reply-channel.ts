import type { KioskControls } from './kiosk-controls.js';

/** Sends one bridge reply; CoCalc's `reply` helper plus the emulator's latency/drop controls. */
export type Reply = (data: Record<string, unknown>) => void;

/** The window-like thing a reply is posted to (`MessageEvent.source`). */
export interface ReplyTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/**
 * Shared state of the reply controls for one page: `dropReplies` counts down across every reply,
 * `latencyMs` delays each one (equal delays keep `ack` before `done`).
 */
export class ReplyControls {
  private remainingDrops: number;

  constructor(
    private readonly controls: KioskControls,
    private readonly onDropCountChange: (remaining: number) => void = () => {},
    private readonly onSent: () => void = () => {},
  ) {
    this.remainingDrops = controls.dropReplies;
  }

  /**
   * CoCalc's `reply = (data) => mesg.source.postMessage(data, mesg.origin)` — to the sender
   * window, with targetOrigin exactly the request's origin, never `"*"`.
   */
  replier(source: ReplyTarget, origin: string): Reply {
    return (data) => {
      if (this.remainingDrops > 0) {
        this.remainingDrops -= 1;
        this.onDropCountChange(this.remainingDrops);
        return;
      }
      const send = (): void => {
        source.postMessage(data, origin);
        this.onSent();
      };
      if (this.controls.latencyMs > 0) setTimeout(send, this.controls.latencyMs);
      else send();
    };
  }
}
