import { CONTENT_SECURITY_POLICY, hardenHtml } from '../../../src/render/harden-html.js';

const CSP = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`;

describe('hardenHtml', () => {
  test('the policy allows only inline styles and data: images and fonts', () => {
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:");
  });

  test('puts the CSP first in <head>, before anything that could load', () => {
    const html = hardenHtml('<!DOCTYPE html><html lang="en"><head><title>t</title><link rel="stylesheet" href="http://x/y.css"></head><body></body></html>');
    expect(html).toBe(`<!DOCTYPE html><html lang="en"><head>${CSP}<title>t</title><link rel="stylesheet" href="http://x/y.css"></head><body></body></html>`);
  });

  test('creates a <head> when there is none', () => {
    expect(hardenHtml('<html><body>x</body></html>')).toBe(`<html><head>${CSP}</head><body>x</body></html>`);
    expect(hardenHtml('<!doctype html><p>x')).toBe(`<!doctype html><head>${CSP}</head><p>x`);
    expect(hardenHtml('<p>x')).toBe(`<head>${CSP}</head><p>x`);
  });

  test.each([
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    "<meta content='0;url=http://127.0.0.1:9/' http-equiv='Refresh'>",
    '<META HTTP-EQUIV=REFRESH CONTENT="1">',
    '<meta\nhttp-equiv = "refresh"\ncontent="0">',
    '<meta http-equiv=<meta http-equiv=refresh>refresh content=0>',
  ])('strips meta refresh %j', (tag) => {
    const html = hardenHtml(`<html><head>${tag}<title>t</title></head><body>${tag}</body></html>`);
    expect(html.toLowerCase()).not.toMatch(/http-equiv\s*=\s*["']?refresh/);
    expect(html).toContain(CSP);
  });

  test('leaves escaped text alone', () => {
    const text = '&lt;meta http-equiv=&quot;refresh&quot;&gt;';
    expect(hardenHtml(`<head></head><body>${text}</body>`)).toBe(`<head>${CSP}</head><body>${text}</body>`);
  });
});
