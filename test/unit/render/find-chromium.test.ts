import { RenderError } from '../../../src/errors.js';
import { CHROMIUM_FLAGS, findChromium } from '../../../src/render/html-to-pdf.js';

const only = (...present: string[]) => (file: string) => present.includes(file);

describe('findChromium', () => {
  test('PUPPETEER_EXECUTABLE_PATH wins when it exists', () => {
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium'), () => undefined)).toBe('/opt/chrome/chrome');
  });

  test('a PUPPETEER_EXECUTABLE_PATH that does not exist is an error naming it (no silent fallback)', () => {
    const find = () => findChromium({ PUPPETEER_EXECUTABLE_PATH: '/nope/chrome' }, only('/usr/bin/chromium'), () => undefined);
    expect(find).toThrow(RenderError);
    expect(find).toThrow(/PUPPETEER_EXECUTABLE_PATH is "\/nope\/chrome", which is not an executable file/);
  });

  test("then Debian's chromium, then puppeteer's own browser", () => {
    expect(findChromium({}, only('/usr/bin/chromium', '/cache/chrome'), () => '/cache/chrome')).toBe('/usr/bin/chromium');
    expect(findChromium({}, only('/usr/lib/chromium/chromium'), () => undefined)).toBe('/usr/lib/chromium/chromium');
    expect(findChromium({}, only('/cache/chrome'), () => '/cache/chrome')).toBe('/cache/chrome');
  });

  test('none: an error that says how to get one', () => {
    const find = () => findChromium({}, only(), () => '/cache/not-downloaded');
    expect(find).toThrow(RenderError);
    expect(find).toThrow(/apt-get install chromium.*npx puppeteer browsers install chrome.*PUPPETEER_EXECUTABLE_PATH/s);
  });

  test('launch flags', () => {
    expect(CHROMIUM_FLAGS).toEqual(['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']);
  });
});
