import type {} from '@cocalc-embed/element';

/**
 * A live log of what a `<cocalc-notebook>` reports: state changes, CoCalc's ack/done, errors and
 * status replies. Everything is written with textContent: kiosk data is never HTML.
 */
export class EventPanel {
  private readonly list: HTMLOListElement;
  private readonly started = performance.now();

  constructor(container: Element, private readonly max = 200) {
    this.list = document.createElement('ol');
    this.list.className = 'event-log';
    container.append(this.list);
  }

  /** Adds one line: a label and an optional detail. */
  add(kind: string, detail = ''): void {
    const li = document.createElement('li');
    li.dataset.kind = kind;
    const time = document.createElement('time');
    time.textContent = `+${Math.round(performance.now() - this.started)} ms`;
    const label = document.createElement('strong');
    label.textContent = kind;
    li.append(time, ' ', label, detail ? ` ${detail}` : '');
    this.list.prepend(li);
    while (this.list.children.length > this.max) this.list.lastElementChild?.remove();
  }

  /** Logs every public event of one notebook element. */
  watch(el: HTMLElement, name = el.id): void {
    const prefix = name ? `${name}: ` : '';
    el.addEventListener('cocalc-state-change', (e) => this.add('state', `${prefix}${e.state}`));
    el.addEventListener('cocalc-ready', () => this.add('ready', prefix.replace(/: $/, '')));
    el.addEventListener('cocalc-file-open', (e) => this.add('ack', `${prefix}${e.path}`));
    el.addEventListener('cocalc-file-opened', (e) => this.add('opened', `${prefix}${e.path}`));
    el.addEventListener('cocalc-error', (e) => this.add('error', `${prefix}${e.error.code}: ${e.error.message}`));
  }
}
