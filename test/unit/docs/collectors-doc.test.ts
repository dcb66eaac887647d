import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderCollectorsDoc, sampleEnvelopePath } from '../../../src/collectors/collectors-doc.js';
import { collectors } from '../../../src/collectors/index.js';
import type { Collector } from '../../../src/collectors/types.js';
import { packageRoot } from '../../../src/util/paths.js';
import { generatedDocs } from '../../../scripts/generated-docs.js';

// docs/COLLECTORS.md being up to date is checked with every generated document in generated-docs.test.ts.
const collectorsDoc = generatedDocs.find((d) => d.output.endsWith(path.join('docs', 'COLLECTORS.md')))!;

describe('docs/COLLECTORS.md', () => {
  test('is one of the generated documents (npm run docs writes it; generated-docs.test.ts fails when it is stale)', () => {
    expect(collectorsDoc.output).toBe(path.join(packageRoot, 'docs/COLLECTORS.md'));
  });

  test('lists every registered collector with its scope, group, schema and operations', async () => {
    const text = await collectorsDoc.render();
    for (const c of collectors) {
      expect(text).toContain(`| \`${c.id}\` | ${c.title.replace(/\|/g, '\\|')} |`);
      expect(text).toContain(`[\`${c.schema}\`](../evidence-schemas/${c.schema}.schema.json)`);
      expect(existsSync(path.join(packageRoot, 'evidence-schemas', `${c.schema}.schema.json`))).toBe(true);
      for (const op of c.operations) expect(text).toContain(`\`${op}\``);
    }
    expect(text).toMatch(/\| `backup\.backup-jobs` \| .* \| account × region \| `jobs` \| since the previous capture of this source \(else the period’s start\), at most 30 days back/);
    expect(text).toContain('`s3:GetBucketReplication` → `s3:GetReplicationConfiguration`');
  });

  test('links a sample envelope exactly when the file exists', async () => {
    const text = await collectorsDoc.render();
    for (const c of collectors) {
      const sample = sampleEnvelopePath(c.id);
      const row = text.split('\n').find((l) => l.startsWith(`| \`${c.id}\` | ${c.title.replace(/\|/g, '\\|')} |`))!;
      expect({ id: c.id, linked: row.includes(`](../${sample})`) }).toEqual({ id: c.id, linked: existsSync(path.join(packageRoot, sample)) });
    }
  });

  test('states the action count of deploy/iam-policy.json', async () => {
    const policy = JSON.parse(readFileSync(path.join(packageRoot, 'deploy/iam-policy.json'), 'utf8')) as { Statement: Array<{ Action: string[] }> };
    const count = policy.Statement.flatMap((s) => s.Action).length;
    expect(await collectorsDoc.render()).toContain(`\`deploy/iam-policy.json\` — read-only, ${count} actions`);
  });

  test('renders from its inputs alone: a collector that calls nothing and a missing sample', () => {
    const local: Collector = { id: 'x.files', schema: 'x.files.v1', title: 'Files | with a pipe', scope: 'local', group: 'records', operations: [], collect: async () => ({ data: [] }) };
    const text = renderCollectorsDoc({ collectors: [local], samples: new Set() });
    expect(text).toContain('| `x.files` | Files \\| with a pipe | local files, once per run | `records` | the files as read at the run | [`x.files.v1`](../evidence-schemas/x.files.v1.schema.json) | — |');
    expect(text).toContain('| `x.files` | none (reads local files) | 0 |');
  });
});
