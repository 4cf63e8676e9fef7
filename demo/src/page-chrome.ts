import { ensureDemoUser, switchDemoUser } from './demo-session.js';

const PAGES = [
  ['/', 'Course page'],
  ['/two.html', 'Several notebooks'],
  ['/failures.html', 'Failure handling'],
  ['/how-it-works.html', 'How it works'],
] as const;

/**
 * Renders the shared header (navigation and the demo-user switcher) and signs the demo user in.
 * Resolves with the user once the backend knows who this browser is, so pages can then insert
 * their notebooks.
 */
export async function setUpPage(): Promise<string> {
  const header = document.querySelector('header[data-demo-header]');
  const user = await ensureDemoUser();
  if (header) {
    const nav = document.createElement('nav');
    nav.setAttribute('aria-label', 'Demo pages');
    for (const [href, label] of PAGES) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = label;
      if (location.pathname === href || (href === '/' && location.pathname === '/index.html')) a.setAttribute('aria-current', 'page');
      nav.append(a);
    }
    const who = document.createElement('label');
    who.className = 'user-switcher';
    who.textContent = 'Signed in to this site as ';
    const select = document.createElement('select');
    select.id = 'demo-user';
    for (const name of ['alice', 'bob']) select.append(new Option(name, name, false, name === user));
    select.addEventListener('change', () => void switchDemoUser(select.value).then(() => location.reload()));
    who.append(select);
    header.append(nav, who);
  }
  return user;
}
