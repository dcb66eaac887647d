import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/types.js';
import { InputError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { findRegionMentions, type RegionMention } from './region-names.js';
import { parseUserFile } from '../config/user-file.js';

/** A complementary control (CUEC or CSOC): its text, or its text with the criteria it supports. */
export type ComplementaryControl = string | { control: string; criteria?: string[] };

/** The narrative file (evidence-schemas/narrative.schema.json): the parts of the System Description people write. */
export interface Narrative {
  services?: string;
  commitments?: string;
  infrastructure?: string;
  software?: string;
  people?: string;
  procedures?: string;
  data?: string;
  boundaries?: string;
  incidents?: string;
  changes?: string;
  cuecs?: ComplementaryControl[];
  subserviceOrganizations?: Array<{ name: string; services: string; method?: 'carve-out' | 'inclusive'; csocs?: ComplementaryControl[] }>;
  criteriaNotRelevant?: Array<string | { criterion: string; reason: string }>;
  sections?: Array<{ title: string; text: string }>;
}

export interface LoadedNarrative {
  /** The file as the config names it (relative to the config file). */
  file: string;
  sha256: string;
  narrative: Narrative;
}

export const NARRATIVE_SCHEMA = 'narrative';

/**
 * Reads and validates the config's `narrative` file. null when the config names none (the
 * System Description then says, section by section, that the text was not provided). A missing
 * or invalid file is an InputError (exit 2) naming the file, the line, the field and what was
 * expected — call this before the expensive steps of a report so the user hears early.
 */
export async function loadNarrative(config: Pick<Config, 'narrative' | 'configDir' | 'configPath'>): Promise<LoadedNarrative | null> {
  if (!config.narrative) return null;
  const configFile = config.configPath ? path.basename(config.configPath) : 'config';
  const shown = config.configDir ? path.relative(config.configDir, config.narrative) || config.narrative : config.narrative;
  const info = await stat(config.narrative).catch(() => undefined);
  if (!info) throw new InputError([{ file: configFile, path: 'narrative', message: `file "${shown}" does not exist (expected the narrative YAML file, relative to the config file; \`proofpack init\` writes a template)` }]);
  if (!info.isFile()) throw new InputError([{ file: configFile, path: 'narrative', message: `"${shown}" is not a file; expected the narrative YAML file` }]);
  const bytes = await readFile(config.narrative);
  return { file: shown, sha256: sha256Hex(bytes), narrative: parseNarrative(bytes.toString('utf8'), shown) };
}

/** Validates narrative text (YAML or JSON); throws InputError listing every problem. */
export function parseNarrative(text: string, shown: string): Narrative {
  const parsed = parseUserFile(text, shown, NARRATIVE_SCHEMA, 'the System Description narrative: a mapping of fields (services, commitments, people, procedures, data, boundaries, incidents, cuecs, subserviceOrganizations, criteriaNotRelevant, sections)');
  if (!parsed.ok) throw new InputError(parsed.issues);
  return parsed.value as Narrative;
}

/** The text of a complementary control. */
export function complementaryText(c: ComplementaryControl): string {
  return typeof c === 'string' ? c : c.control;
}

/** Every piece of prose in the narrative, with where it is, for searching. */
export function narrativeTexts(n: Narrative): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const plain: Array<keyof Narrative> = ['services', 'commitments', 'infrastructure', 'software', 'people', 'procedures', 'data', 'boundaries', 'incidents', 'changes'];
  for (const key of plain) {
    const value = n[key];
    if (typeof value === 'string') out.push({ where: key, text: value });
  }
  n.cuecs?.forEach((c, i) => out.push({ where: `cuecs[${i}]`, text: complementaryText(c) }));
  n.subserviceOrganizations?.forEach((o, i) => {
    out.push({ where: `subserviceOrganizations[${i}]`, text: `${o.name}\n${o.services}` });
    o.csocs?.forEach((c, j) => out.push({ where: `subserviceOrganizations[${i}].csocs[${j}]`, text: complementaryText(c) }));
  });
  n.criteriaNotRelevant?.forEach((c, i) => out.push({ where: `criteriaNotRelevant[${i}]`, text: typeof c === 'string' ? c : c.reason }));
  n.sections?.forEach((s, i) => out.push({ where: `sections[${i}]`, text: `${s.title}\n${s.text}` }));
  return out;
}

export interface NarrativeRegionMention extends RegionMention {
  /** The narrative fields that name it. */
  fields: string[];
}

/** The regions the narrative names anywhere (codes, console names, locations). */
export function findNarrativeRegions(n: Narrative): NarrativeRegionMention[] {
  const byRegion = new Map<string, NarrativeRegionMention>();
  for (const { where, text } of narrativeTexts(n)) {
    for (const m of findRegionMentions(text)) {
      const existing = byRegion.get(m.region);
      if (existing) {
        if (!existing.fields.includes(where)) existing.fields.push(where);
      } else {
        byRegion.set(m.region, { ...m, fields: [where] });
      }
    }
  }
  return [...byRegion.values()].sort((a, b) => a.region.localeCompare(b.region));
}
