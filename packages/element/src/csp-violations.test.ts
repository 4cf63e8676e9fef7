import { expect } from '@open-wc/testing';
import { cspViolationsFor, watchCspViolations } from './csp-violations.js';

/** A violation event as the browser fires it at the document when a frame is refused. */
function violation(blockedURI: string): SecurityPolicyViolationEvent {
  return new SecurityPolicyViolationEvent('securitypolicyviolation', {
    blockedURI,
    violatedDirective: 'frame-src',
    effectiveDirective: 'frame-src',
    originalPolicy: "frame-src 'self'",
    disposition: 'enforce',
    statusCode: 200,
    documentURI: location.href,
  });
}

describe('CSP violations against CoCalc', () => {
  it('records refused CoCalc URLs from securitypolicyviolation events (WebKit buffers no reports), only while watched', async () => {
    const recorded: string[] = [];
    const stop = watchCspViolations(document, () => 'https://cocalc.example.edu/', recorded);
    document.dispatchEvent(violation('https://cocalc.example.edu')); // WebKit names only the origin
    document.dispatchEvent(violation('https://cocalc.example.edu/projects/x'));
    document.dispatchEvent(violation('https://cocalc.example.edu/projects/x')); // a repeat counts once
    document.dispatchEvent(violation('https://cocalc.example.edu.evil.test/')); // a look-alike host
    document.dispatchEvent(violation('https://other.example/'));
    stop();
    document.dispatchEvent(violation('https://cocalc.example.edu/after'));
    expect(recorded).to.deep.equal(['https://cocalc.example.edu', 'https://cocalc.example.edu/projects/x']);
    expect(await cspViolationsFor('https://cocalc.example.edu/', recorded)).to.deep.equal(recorded);
    expect(await cspViolationsFor('https://other.example/', recorded)).to.deep.equal([]);
  });

  it('records nothing before CoCalc is known', () => {
    const recorded: string[] = [];
    const stop = watchCspViolations(document, () => undefined, recorded);
    document.dispatchEvent(violation('https://cocalc.example.edu/'));
    stop();
    expect(recorded).to.deep.equal([]);
  });
});
