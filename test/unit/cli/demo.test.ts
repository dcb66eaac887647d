import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runDemoPipeline } from '../../../src/cli/commands/demo.js';
import { InputError } from '../../../src/errors.js';

describe('proofpack demo without its sample estate', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'proofpack-demo-missing-'));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('says where it looked and how to get the estate, before writing anything', async () => {
    const sampleDir = path.join(out, 'no-such-sample');
    const attempt = runDemoPipeline({ outDir: path.join(out, 'demo-out'), sampleDir });
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(runDemoPipeline({ outDir: path.join(out, 'demo-out'), sampleDir })).rejects.toThrow(
      `${sampleDir}: the sample estate is missing (expected proofpack.yaml and evidence/ there); run \`npm run samples\` in a clone of proofpack to generate it`,
    );
    // Neither the out folder nor the demo key was created.
    expect(await readdir(out)).toEqual([]);
  });
});
