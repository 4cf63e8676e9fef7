import { expect } from '@open-wc/testing';
import { blockOrigin } from './block-origin.js';
import { splitIframeCommHosts } from '../split-iframe-comm-hosts.js';

const blocked = (hosts: string, origin: string, dev: string[] = []): boolean =>
  blockOrigin({ origin }, splitIframeCommHosts(hosts), dev);

describe('blockOrigin (CoCalc block_origin, the table in docs/cocalc-protocol.md#kiosk-origins)', () => {
  it('allows the exact https host', () => expect(blocked('bar.com', 'https://bar.com')).to.equal(false));
  it('blocks an unrelated host', () => expect(blocked('bar.com', 'https://abc.com')).to.equal(true));
  it('blocks a sneaky domain that merely ends with the host name', () =>
    expect(blocked('bar.com', 'https://foobar.com')).to.equal(true));
  it('blocks a spoof that starts with the host name', () => expect(blocked('bar.com', 'https://bar.com.co')).to.equal(true));
  it('allows the apex for a dot-prefixed token', () => expect(blocked('.baz.com', 'https://baz.com')).to.equal(false));
  it('allows a subdomain for a dot-prefixed token', () => expect(blocked('.baz.com', 'https://www.baz.com')).to.equal(false));
  it('allows a deep subdomain for a dot-prefixed token', () =>
    expect(blocked('.baz.com', 'https://a.b.baz.com')).to.equal(false));
  it('blocks a subdomain when the token has no leading dot', () =>
    expect(blocked('bar.com', 'https://www.bar.com')).to.equal(true));
  it('blocks http:// always, even for a listed host', () => {
    expect(blocked('bar.com', 'http://bar.com')).to.equal(true);
    expect(blocked('.bar.com', 'http://www.bar.com')).to.equal(true);
    expect(blocked('localhost', 'http://localhost')).to.equal(true);
  });
  it('blocks a listed host on a non-default port (plain suffix test)', () =>
    expect(blocked('bar.com', 'https://bar.com:8443')).to.equal(true));
  it('allows https://localhost but not https://localhost:3000', () => {
    expect(blocked('localhost', 'https://localhost')).to.equal(false);
    expect(blocked('localhost', 'https://localhost:3000')).to.equal(true);
  });
  it('blocks the opaque origin "null" (sandboxed frames, file://)', () => {
    expect(blocked('bar.com', 'null')).to.equal(true);
    expect(blocked('.null', 'null')).to.equal(true);
    expect(blocked('null', 'null')).to.equal(true);
  });
  it('blocks everything when iframe_comm_hosts is empty (CoCalc default)', () => {
    expect(blocked('', 'https://bar.com')).to.equal(true);
    expect(blockOrigin({ origin: 'https://bar.com' }, [])).to.equal(true);
  });
  it('blocks other schemes that end in an allowed host', () => {
    expect(blocked('bar.com', 'ftp://bar.com')).to.equal(true);
    expect(blocked('bar.com', 'chrome-extension://bar.com')).to.equal(true);
  });
  it('matches any of several tokens separated by spaces, commas or newlines', () => {
    const hosts = 'a.com, b.org\n.c.net';
    expect(blocked(hosts, 'https://a.com')).to.equal(false);
    expect(blocked(hosts, 'https://b.org')).to.equal(false);
    expect(blocked(hosts, 'https://x.c.net')).to.equal(false);
    expect(blocked(hosts, 'https://d.com')).to.equal(true);
  });
});

describe('splitIframeCommHosts (CoCalc split_iframe_comm_hosts regex)', () => {
  it('splits on anything outside [a-z0-9.-]', () =>
    expect(splitIframeCommHosts('a.com,b.org; .c.net\tx-y.io')).to.deep.equal(['a.com', 'b.org', '.c.net', 'x-y.io']));
  it('splits tokens at uppercase letters, so "Bar.com" only admits "ar.com"', () => {
    expect(splitIframeCommHosts('Bar.com')).to.deep.equal(['ar.com']);
    expect(blocked('Bar.com', 'https://bar.com')).to.equal(true);
    expect(blocked('Bar.com', 'https://ar.com')).to.equal(false);
  });
  it('splits at a colon, so a port can never be expressed', () => {
    expect(splitIframeCommHosts('bar.com:8443')).to.deep.equal(['bar.com', '8443']);
    expect(blocked('bar.com:8443', 'https://bar.com:8443')).to.equal(true);
    expect(blocked('bar.com:8443', 'https://bar.com')).to.equal(false);
  });
  it('cannot express a scheme: "https://bar.com" yields the tokens "https" and "bar.com"', () =>
    expect(splitIframeCommHosts('https://bar.com')).to.deep.equal(['https', 'bar.com']));
  it('returns [] for empty, null and undefined', () => {
    expect(splitIframeCommHosts('')).to.deep.equal([]);
    expect(splitIframeCommHosts(null)).to.deep.equal([]);
    expect(splitIframeCommHosts(undefined)).to.deep.equal([]);
  });
});

describe('dev http origins (NOT CoCalc; off by default)', () => {
  it('is off by default: an http origin is blocked without the option', () =>
    expect(blockOrigin({ origin: 'http://localhost:8003' }, ['localhost'])).to.equal(true));
  it('admits exactly the listed http origin', () =>
    expect(blocked('', 'http://localhost:8003', ['http://localhost:8003'])).to.equal(false));
  it('is an exact match: another port, a suffix or a prefix is still blocked', () => {
    const dev = ['http://localhost:8003'];
    expect(blocked('', 'http://localhost:8004', dev)).to.equal(true);
    expect(blocked('', 'http://evil-localhost:8003', dev)).to.equal(true);
    expect(blocked('', 'http://localhost:80031', dev)).to.equal(true);
    expect(blocked('', 'http://127.0.0.1:8003', dev)).to.equal(true);
  });
  it('does not widen https matching', () =>
    expect(blocked('', 'https://localhost:8003', ['http://localhost:8003'])).to.equal(true));
});
