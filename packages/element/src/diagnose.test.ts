import { expect } from '@open-wc/testing';
import { CocalcError } from '@cocalc-embed/protocol';
import { diagnoseEmbed, type DiagnoseInput } from './diagnose.js';

const base: DiagnoseInput = {
  pageUrl: 'https://learn.example.edu/course',
  cocalcUrl: 'https://cocalc.example.edu',
  state: 'ready',
  error: undefined,
  stats: undefined,
  cspViolations: [],
};
const ids = (input: Partial<DiagnoseInput>) => diagnoseEmbed({ ...base, ...input }).map((d) => `${d.severity}:${d.id}`);

describe('diagnoseEmbed', () => {
  it('finds nothing wrong in a same-site https deployment that is ready', () => {
    expect(ids({})).to.deep.equal(['info:ok']);
  });

  it('names an http page: an error on a real host, information on loopback (emulator only)', () => {
    expect(ids({ pageUrl: 'http://learn.example.edu/' })).to.include('error:insecure-page');
    expect(ids({ pageUrl: 'http://localhost:5173/', cocalcUrl: 'http://localhost:5180' })).to.deep.equal(['info:insecure-page']);
  });

  it('names a page off the default port, which iframe_comm_hosts cannot admit', () => {
    expect(ids({ pageUrl: 'https://learn.example.edu:8443/' })).to.include('error:page-port');
  });

  it('names a cross-site deployment, including localhost against 127.0.0.1', () => {
    expect(ids({ cocalcUrl: 'https://cocalc.com' })).to.include('error:cross-site');
    expect(ids({ pageUrl: 'http://127.0.0.1:5173/', cocalcUrl: 'http://localhost:5180' })).to.include('error:cross-site');
    expect(ids({ pageUrl: 'https://a.learn.example.edu/' })).not.to.include('error:cross-site');
  });

  it('turns READY_TIMEOUT into the iframe_comm_hosts advice naming this page\'s host', () => {
    const found = diagnoseEmbed({ ...base, state: 'error', error: new CocalcError('READY_TIMEOUT', 'no answer') });
    const noAnswer = found.find((d) => d.id === 'no-answer');
    expect(noAnswer?.message).to.contain('iframe_comm_hosts').and.to.contain('learn.example.edu');
  });

  it('reports CSP blocks, token failures and ignored messages', () => {
    expect(ids({ cspViolations: ['https://cocalc.example.edu/projects/x'] })).to.include('error:csp');
    expect(ids({ state: 'error', error: new CocalcError('TOKEN_UNAVAILABLE', 'down') })).to.include('error:token');
    const stats = { accepted: 3, rejectedOrigin: 2, rejectedSource: 1, rejectedShape: 4, rejectedRate: 0, unmatched: 0 };
    expect(ids({ stats })).to.include.members(['info:foreign-messages', 'warning:bad-messages']);
  });
});
