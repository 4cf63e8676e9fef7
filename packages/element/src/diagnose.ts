import type { KioskStats } from '@cocalc-embed/controller';
import type { CocalcError } from '@cocalc-embed/protocol';
import type { CocalcNotebookElement } from './cocalc-notebook-element.js';
import { CSP_BLOCKED_URLS, cspViolationsFor } from './csp-violations.js';

/**
 * Names the usual causes of a broken embed from what `el` and the page know: an http page or one
 * off port 443 (CoCalc never answers it), page and CoCalc on different sites (cookies dropped), a
 * Content-Security-Policy blocking CoCalc, no answer (iframe_comm_hosts), token endpoint
 * failures, and messages the controller ignored. For people and support tickets; the ids are
 * stable, the messages are not. A separate entry point (`@cocalc-embed/element/diagnose`) so its
 * texts cost nothing to pages that never call it.
 */
export async function diagnose(el: CocalcNotebookElement): Promise<Diagnosis[]> {
  const cocalcUrl = el.cocalcUrl;
  return diagnoseEmbed({
    pageUrl: location.href,
    cocalcUrl,
    state: el.state,
    error: el.error,
    stats: el.controller?.stats,
    cspViolations: cocalcUrl ? await cspViolationsFor(cocalcUrl, (el as unknown as Record<symbol, readonly string[] | undefined>)[CSP_BLOCKED_URLS]) : [],
  });
}

/** One finding of {@link diagnose}: a likely cause, named, with what to do. */
export interface Diagnosis {
  /** Stable identifier of the finding (for example `cross-site`). */
  readonly id: string;
  /** `error`: this breaks the embed; `warning`: it may; `info`: worth knowing. */
  readonly severity: 'error' | 'warning' | 'info';
  /** What was found and what to do, for people. */
  readonly message: string;
}

/** What {@link diagnoseEmbed} looks at; the element gathers it. */
export interface DiagnoseInput {
  /** The host page's URL (`location.href`). */
  readonly pageUrl: string;
  /** CoCalc's base URL from the token response, once known. */
  readonly cocalcUrl: string | undefined;
  /** The element's state. */
  readonly state: string;
  /** The element's last error, if any. */
  readonly error: CocalcError | undefined;
  /** The controller's message counters, if a controller exists. */
  readonly stats: KioskStats | undefined;
  /** `securitypolicyviolation` events seen on the page whose blocked URL is CoCalc's. */
  readonly cspViolations: readonly string[];
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The usual causes of a broken embed, named, so that a failure explains itself. Pure: the
 * element passes what it knows. The site comparison uses the last two labels of the host name;
 * it can be wrong for suffixes such as `co.uk`, and says "probably" for that reason.
 */
export function diagnoseEmbed(input: DiagnoseInput): Diagnosis[] {
  const found: Diagnosis[] = [];
  const add = (id: string, severity: Diagnosis['severity'], message: string) => found.push({ id, severity, message });
  const page = new URL(input.pageUrl);

  if (page.protocol === 'http:' && !LOOPBACK.test(page.hostname)) {
    add('insecure-page', 'error', `This page is served over http://. CoCalc answers only https:// pages (its iframe_comm_hosts check refuses every http origin).`);
  } else if (page.protocol === 'http:') {
    add('insecure-page', 'info', 'This page is served over http:// on a loopback address: only the local emulator (with its development relaxation) answers it; a real CoCalc never does.');
  }
  if (page.protocol === 'https:' && page.port !== '') {
    add('page-port', 'error', `This page uses port ${page.port}. CoCalc's iframe_comm_hosts cannot name a port, so it never answers pages off the default port 443.`);
  }

  if (input.cocalcUrl) {
    const kiosk = new URL(input.cocalcUrl);
    if (site(kiosk.hostname) !== site(page.hostname)) {
      add('cross-site', 'error', `This page (${page.hostname}) and CoCalc (${kiosk.hostname}) are probably on different sites. Browsers drop CoCalc's sign-in cookie in a cross-site iframe: serve both from one domain, e.g. learn.example.edu and cocalc.example.edu.`);
    }
    if (input.cspViolations.length > 0) {
      add('csp', 'error', `This page's Content-Security-Policy blocked ${input.cspViolations.length} request(s) to CoCalc; add "frame-src ${kiosk.origin}".`);
    }
  }

  const code = input.error?.code;
  if (code === 'READY_TIMEOUT') {
    add('no-answer', 'error', `CoCalc never answered. Its iframe_comm_hosts setting must list this page's host "${page.hostname}" exactly, and the kiosk iframe must be allowed to load (CoCalc's proxy: frame-ancestors ${page.origin}).`);
  } else if (code === 'SESSION_BLOCKED' || code === 'TOKEN_EXPIRED') {
    add('signed-out', 'error', 'CoCalc loaded but stayed signed out with a fresh token: see cross-site above, or check that the backend mints tokens CoCalc accepts.');
  } else if (code?.startsWith('TOKEN_') || code === 'RATE_LIMITED' || code === 'UPSTREAM_ERROR') {
    add('token', 'error', `The token endpoint failed (${code}): ${input.error!.hint}`);
  } else if (input.error) {
    add('error', 'warning', `Last error ${input.error.code}: ${input.error.message}`);
  }

  const stats = input.stats;
  if (stats && stats.rejectedOrigin + stats.rejectedSource > 0) {
    add('foreign-messages', 'info', `${stats.rejectedOrigin + stats.rejectedSource} message(s) from other windows or origins were ignored (harmless unless you expected them).`);
  }
  if (stats && stats.rejectedShape > 0) {
    add('bad-messages', 'warning', `${stats.rejectedShape} message(s) from the kiosk had an unexpected shape and were dropped: is this CoCalc version's kiosk protocol the one documented?`);
  }
  if (found.length === 0 && input.state === 'ready') add('ok', 'info', 'The kiosk answers and no usual cause of trouble was found.');
  return found;
}

/** The registrable part of a host name, approximately: loopback names and IPs stand for themselves. */
function site(hostname: string): string {
  if (LOOPBACK.test(hostname) || /^[\d.]+$/.test(hostname) || hostname.startsWith('[')) return hostname;
  return hostname.split('.').slice(-2).join('.');
}
