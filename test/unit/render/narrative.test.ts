import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../../src/errors.js';
import { findNarrativeRegions, loadNarrative, parseNarrative } from '../../../src/render/narrative.js';
import { findRegionMentions, regionDisplayName } from '../../../src/render/region-names.js';
import { templatesDir } from '../../../src/util/paths.js';
import { FIXTURE_NARRATIVE } from '../../support/report-documents-fixture.js';

function issuesOf(fn: () => unknown): InputError['issues'] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).issues;
  }
  throw new Error('expected an InputError');
}

describe('narrative schema', () => {
  it('accepts the template `proofpack init` writes, and the fixture narrative', () => {
    const template = readFileSync(path.join(templatesDir, 'init', 'narrative.yaml'), 'utf8');
    const parsed = parseNarrative(template, 'narrative.yaml');
    expect(parsed.services).toContain('Describe the services');
    expect(parsed.subserviceOrganizations?.[0].csocs).toHaveLength(1);
    expect(parseNarrative(FIXTURE_NARRATIVE, 'narrative.yaml').cuecs).toHaveLength(2);
  });

  it('names the file, the line, the field and what was expected for each problem', () => {
    const text = ['services: Clinical records.', 'servces: typo', 'cuecs: Customers manage their users.', 'criteriaNotRelevant:', '  - criterion: CC6.4', 'subserviceOrganizations:', '  - name: AWS', ''].join('\n');
    const issues = issuesOf(() => parseNarrative(text, 'docs/narrative.yaml'));
    expect(issues).toEqual(
      expect.arrayContaining([
        { file: 'docs/narrative.yaml', path: 'servces', line: 2, message: expect.stringMatching(/^unexpected field; expected one of services, commitments/) },
        { file: 'docs/narrative.yaml', path: 'cuecs', line: 3, message: 'expected a list, got "Customers manage their users."' },
        { file: 'docs/narrative.yaml', path: 'criteriaNotRelevant[0].reason', line: 5, message: 'required field is missing' },
        { file: 'docs/narrative.yaml', path: 'subserviceOrganizations[0].services', line: 7, message: 'required field is missing' },
      ]),
    );
    expect(issues).toHaveLength(4);
    // The message a user sees (exit code 2 is the CLI's mapping of InputError).
    expect(() => parseNarrative(text, 'docs/narrative.yaml')).toThrow('docs/narrative.yaml:3: cuecs: expected a list');
  });

  it('reports YAML syntax errors with their line, and an empty file as such', () => {
    const issues = issuesOf(() => parseNarrative('services: ok\ndata: [unclosed\n', 'narrative.yaml'));
    expect(issues[0]).toMatchObject({ file: 'narrative.yaml', line: expect.any(Number), message: expect.stringMatching(/^not valid YAML/) });
    expect(issuesOf(() => parseNarrative('# nothing yet\n', 'narrative.yaml'))[0].message).toMatch(/the file is empty; expected the System Description narrative/);
    expect(issuesOf(() => parseNarrative('- a list\n', 'narrative.yaml'))[0].message).toMatch(/got a list/);
  });

  it('rejects a criterion that is not one, and a value that is neither a text nor a mapping', () => {
    const issues = issuesOf(() => parseNarrative('criteriaNotRelevant:\n  - criterion: "see below"\n    reason: x\ncuecs:\n  - 42\n', 'n.yaml'));
    expect(issues).toEqual([
      { file: 'n.yaml', path: 'criteriaNotRelevant[0].criterion', line: 2, message: 'expected a criterion such as A1.2, CC7.1 or C1, got "see below"' },
      { file: 'n.yaml', path: 'cuecs[0]', line: 5, message: 'expected a text, or a mapping with control (and optionally criteria); got 42 (a number)' },
    ]);
  });
});

describe('loadNarrative', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-narrative-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('returns null when the config names no narrative', async () => {
    expect(await loadNarrative({ configDir: dir, configPath: path.join(dir, 'proofpack.yaml') })).toBeNull();
  });

  it('a configured file that does not exist is an InputError naming the config key', async () => {
    const config = { narrative: path.join(dir, 'docs', 'narrative.yaml'), configDir: dir, configPath: path.join(dir, 'proofpack.yaml') };
    await expect(loadNarrative(config)).rejects.toThrow(InputError);
    await expect(loadNarrative(config)).rejects.toThrow('proofpack.yaml: narrative: file "docs/narrative.yaml" does not exist');
  });

  it('reads and hashes a valid file; a bad one names the file relative to the config', async () => {
    const file = path.join(dir, 'narrative.yaml');
    await writeFile(file, FIXTURE_NARRATIVE);
    const loaded = await loadNarrative({ narrative: file, configDir: dir, configPath: path.join(dir, 'proofpack.yaml') });
    expect(loaded).toMatchObject({ file: 'narrative.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(loaded?.narrative.services).toContain('Larkspur Care Platform');
    await writeFile(file, 'incidents: 3\n');
    await expect(loadNarrative({ narrative: file, configDir: dir, configPath: '' })).rejects.toThrow('narrative.yaml:1: incidents: expected a text, got 3 (a number)');
  });
});

describe('region names in prose', () => {
  it('finds codes, console names and locations, each region once', () => {
    const found = findRegionMentions('Primary in us-east-1; recovery in US West (Oregon). Archive in Frankfurt. Also us-east-1 again and N. Virginia.');
    expect(found.map((m) => [m.region, m.as])).toEqual([
      ['eu-central-1', 'Frankfurt'],
      ['us-east-1', 'us-east-1'],
      ['us-west-2', 'US West (Oregon)'],
    ]);
  });

  it('does not match inside longer codes or words', () => {
    expect(findRegionMentions('us-east-10 and Parisian cafés, eu-west-12')).toEqual([]);
    expect(findRegionMentions('US-EAST-2 (upper case)').map((m) => m.region)).toEqual(['us-east-2']);
  });

  it('finds every region a narrative names, with the fields that name it', () => {
    const mentions = findNarrativeRegions(parseNarrative(FIXTURE_NARRATIVE, 'n.yaml'));
    expect(mentions.map((m) => [m.region, m.fields])).toEqual([
      ['us-east-1', ['infrastructure']],
      ['us-east-2', ['infrastructure']],
      ['us-west-2', ['infrastructure']],
    ]);
    expect(regionDisplayName('us-east-2')).toBe('US East (Ohio)');
  });
});
