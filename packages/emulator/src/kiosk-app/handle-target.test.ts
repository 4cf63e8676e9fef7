import { expect } from '@open-wc/testing';
import { appBasePath } from './app-base-path.js';
import { resolveTarget } from './handle-target.js';

const PID = '3a0c3e38-7f4e-4d7e-9a57-5b2a4f1c9d10';

describe('resolveTarget (CoCalc handle-target.ts)', () => {
  it('turns static/app.html?target=… back into the project file URL with the target query', () => {
    const target = `/projects/${PID}/files/intro.ipynb?session=&fullscreen=kiosk`;
    const r = resolveTarget(`https://cocalc.example/static/app.html?target=${encodeURIComponent(target)}`, '/', false);
    expect(r.target).to.equal(`projects/${PID}/files/intro.ipynb`);
    expect(r.params.get('fullscreen')).to.equal('kiosk');
    expect(r.params.get('session')).to.equal('');
    expect(r.params.has('target')).to.equal(false);
    expect(r.url).to.equal(`https://cocalc.example/projects/${PID}/files/intro.ipynb?session=&fullscreen=kiosk`);
  });
  it('merges the page params over the target params (page wins) and keeps the hash', () => {
    const target = `/projects/${PID}/files/a.md?fullscreen=default&x=1`;
    const r = resolveTarget(`https://h.example/static/app.html?target=${encodeURIComponent(target)}&fullscreen=kiosk#frag`, '/', false);
    expect(r.params.get('fullscreen')).to.equal('kiosk');
    expect(r.params.get('x')).to.equal('1');
    expect(r.url.endsWith('#frag')).to.equal(true);
  });
  it('decodes and re-encodes path segments, keeping slashes', () => {
    const target = `/projects/${PID}/files/dir%20one/na%C3%AFve%20%231.ipynb`;
    const r = resolveTarget(`https://h.example/static/app.html?target=${encodeURIComponent(target)}`, '/', false);
    expect(r.target).to.equal(`projects/${PID}/files/dir one/naïve #1.ipynb`);
    expect(r.url).to.equal(`https://h.example/projects/${PID}/files/dir%20one/na%C3%AFve%20%231.ipynb`);
  });
  it('honours a base path, with or without the base in the target', () => {
    const withBase = resolveTarget(
      `https://h.example/cocalc/static/app.html?target=${encodeURIComponent(`/cocalc/projects/${PID}/files/a.md`)}`,
      '/cocalc',
      false,
    );
    const without = resolveTarget(
      `https://h.example/cocalc/static/app.html?target=${encodeURIComponent(`/projects/${PID}/files/a.md`)}`,
      '/cocalc',
      false,
    );
    expect(withBase.url).to.equal(`https://h.example/cocalc/projects/${PID}/files/a.md`);
    expect(without.url).to.equal(withBase.url);
  });
  it('without a target picks settings when signed out and projects with the remember_me flag', () => {
    expect(resolveTarget('https://h.example/static/app.html?fullscreen=kiosk', '/', false).url).to.equal(
      'https://h.example/settings?fullscreen=kiosk',
    );
    expect(resolveTarget('https://h.example/static/app.html', '/', true).target).to.equal('projects');
  });
  it('normalises dot segments through the URL parser and never leaves the origin', () => {
    const r = resolveTarget(
      `https://h.example/static/app.html?target=${encodeURIComponent('//evil.example/../../projects/x')}`,
      '/',
      false,
    );
    expect(new URL(r.url).origin).to.equal('https://h.example');
  });
  it('survives a malformed percent escape instead of throwing', () => {
    const r = resolveTarget(`https://h.example/static/app.html?target=${encodeURIComponent('/projects/%E0%A4%A/files/x')}`, '/', false);
    expect(new URL(r.url).origin).to.equal('https://h.example');
  });
});

describe('appBasePath', () => {
  it('is / for the root and the prefix otherwise', () => {
    expect(appBasePath('/static/app.html')).to.equal('/');
    expect(appBasePath('/cocalc/static/app.html')).to.equal('/cocalc');
  });
});
