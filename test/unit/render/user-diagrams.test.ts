import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundlePathProblem } from '../../../src/bundle/entry-path.js';
import { InputError } from '../../../src/errors.js';
import { readUserDiagrams, safeBundleName, sniffImage, titleFromFileName } from '../../../src/render/user-diagrams.js';
import { sha256Hex } from '../../../src/util/hash.js';
import { solidPng } from '../../support/images.js';

let dir: string;
let folder: string;
const config = () => ({ diagrams: folder, configDir: dir, configPath: path.join(dir, 'proofpack.yaml') });

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-diagrams-'));
  folder = path.join(dir, 'diagrams');
  await mkdir(folder);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readUserDiagrams', () => {
  it('lists every diagram with its hash, a title from the sidecar or the file name, and its last change', async () => {
    const png = solidPng(40, 20, [20, 90, 160]);
    const svg = '<?xml version="1.0"?>\n<!-- drawn by hand -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    await writeFile(path.join(folder, 'network-overview.png'), png);
    await writeFile(path.join(folder, 'network-overview.yaml'), 'title: Network overview\ndescription: VPCs and links.\nlastChanged: 2026-02-01\n');
    await writeFile(path.join(folder, 'data_flow.svg'), svg);
    await utimes(path.join(folder, 'data_flow.svg'), new Date('2026-03-04T05:06:07Z'), new Date('2026-03-04T05:06:07Z'));
    await writeFile(path.join(folder, 'runbook.pdf'), '%PDF-1.4 not really');
    await writeFile(path.join(folder, '.DS_Store'), 'hidden');

    const { folder: shown, diagrams } = await readUserDiagrams(config());

    expect(shown).toBe('diagrams');
    expect(diagrams.map((d) => d.file)).toEqual(['data_flow.svg', 'network-overview.png', 'runbook.pdf']);
    const [flow, network, runbook] = diagrams;
    expect(network).toMatchObject({
      title: 'Network overview',
      titleFrom: 'sidecar',
      description: 'VPCs and links.',
      lastChanged: '2026-02-01',
      lastChangedFrom: 'sidecar',
      sidecar: 'network-overview.yaml',
      sha256: sha256Hex(png),
      size: png.length,
      format: 'png',
      dataUri: `data:image/png;base64,${png.toString('base64')}`,
    });
    expect(flow).toMatchObject({ title: 'data flow', titleFrom: 'file name', lastChanged: '2026-03-04T05:06:07.000Z', lastChangedFrom: 'file modification time', format: 'svg' });
    expect(flow.dataUri).toBe(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
    expect(runbook).toMatchObject({ format: 'other', note: expect.stringMatching(/not an image format/) });
    expect(runbook.dataUri).toBeUndefined();
  });

  it('does not embed a file whose bytes are not what its name says', async () => {
    await writeFile(path.join(folder, 'fake.png'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    const [fake] = (await readUserDiagrams(config())).diagrams;
    expect(fake).toMatchObject({ format: 'other', note: expect.stringMatching(/bytes are not PNG/) });
    expect(fake.dataUri).toBeUndefined();
  });

  it('gives hostile file names a portable bundle name and keeps the real name for the index', async () => {
    const hostile = '<img src=x>{{constructor}}.svg';
    await writeFile(path.join(folder, hostile), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(folder, 'CON.png'), solidPng(2, 2, [0, 0, 0]));
    const diagrams = (await readUserDiagrams(config())).diagrams;
    const byFile = new Map(diagrams.map((d) => [d.file, d]));
    expect(byFile.get(hostile)?.bundleName).toBe('_img src=x_{{constructor}}.svg');
    expect(byFile.get('CON.png')?.bundleName).toBe('_CON.png');
    for (const d of diagrams) expect(bundlePathProblem(`02_Diagrams/${d.bundleName}`)).toBeNull();
  });

  it('a sidecar that does not validate, or has no diagram, is an InputError naming the file, line and field', async () => {
    await writeFile(path.join(folder, 'net.png'), solidPng(2, 2, [0, 0, 0]));
    await writeFile(path.join(folder, 'net.yaml'), 'title: Net\nlastChanged: last week\nowner: me\n');
    await writeFile(path.join(folder, 'gone.json'), '{"title": "Gone"}');
    const error = await readUserDiagrams(config()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      { file: 'diagrams/gone.json', path: '', message: expect.stringMatching(/^no diagram named "gone"/) },
      { file: 'diagrams/net.yaml', path: 'lastChanged', line: 2, message: 'expected a date such as 2026-03-31 or a date-time with a time zone, such as 2026-03-31T14:00:00Z, got "last week"' },
      { file: 'diagrams/net.yaml', path: 'owner', line: 3, message: 'unexpected field; expected one of title, description, lastChanged' },
    ]);
  });

  it('no folder configured: none; a configured folder that is missing: an InputError', async () => {
    expect(await readUserDiagrams({ configDir: dir, configPath: '' })).toEqual({ folder: null, diagrams: [] });
    await expect(readUserDiagrams({ ...config(), diagrams: path.join(dir, 'missing') })).rejects.toThrow('proofpack.yaml: diagrams: folder "missing" does not exist');
  });
});

describe('diagram helpers', () => {
  it('sniffs image formats from their bytes', () => {
    expect(sniffImage(solidPng(1, 1, [1, 2, 3]))).toBe('png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(Buffer.from('GIF89a....'))).toBe('gif');
    expect(sniffImage(Buffer.from('\uFEFF<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg>'))).toBe('svg');
    expect(sniffImage(Buffer.from('<html><svg></svg></html>'))).toBe('other');
  });

  it('titles from file names, and unique bundle names', () => {
    expect(titleFromFileName('network-overview_v2.png')).toBe('network overview v2');
    const taken = new Set<string>();
    expect(safeBundleName('a.png', taken)).toBe('a.png');
    expect(safeBundleName('A.png', taken)).toBe('A-2.png');
    expect(safeBundleName('b?.png', taken)).toBe('b_.png');
    expect(safeBundleName('trailing. ', taken)).toBe('trailing');
  });
});
