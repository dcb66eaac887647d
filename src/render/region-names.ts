import { AWS_REGIONS } from '../config/regions.js';

/**
 * AWS regions by the names people write in prose: the console's name ("US East (N. Virginia)")
 * and the location alone ("N. Virginia", "Northern Virginia", "Frankfurt"). The System
 * Description searches the narrative for these to compare the regions it names with the evidence.
 */

interface RegionName {
  name: string;
  /** Location words that name only this region in prose. */
  places: string[];
}

const REGION_NAMES: Readonly<Record<string, RegionName>> = {
  'af-south-1': { name: 'Africa (Cape Town)', places: ['Cape Town'] },
  'ap-east-1': { name: 'Asia Pacific (Hong Kong)', places: ['Hong Kong'] },
  'ap-east-2': { name: 'Asia Pacific (Taipei)', places: ['Taipei'] },
  'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', places: ['Tokyo'] },
  'ap-northeast-2': { name: 'Asia Pacific (Seoul)', places: ['Seoul'] },
  'ap-northeast-3': { name: 'Asia Pacific (Osaka)', places: ['Osaka'] },
  'ap-south-1': { name: 'Asia Pacific (Mumbai)', places: ['Mumbai'] },
  'ap-south-2': { name: 'Asia Pacific (Hyderabad)', places: ['Hyderabad'] },
  'ap-southeast-1': { name: 'Asia Pacific (Singapore)', places: ['Singapore'] },
  'ap-southeast-2': { name: 'Asia Pacific (Sydney)', places: ['Sydney'] },
  'ap-southeast-3': { name: 'Asia Pacific (Jakarta)', places: ['Jakarta'] },
  'ap-southeast-4': { name: 'Asia Pacific (Melbourne)', places: ['Melbourne'] },
  'ap-southeast-5': { name: 'Asia Pacific (Malaysia)', places: ['Malaysia'] },
  'ap-southeast-6': { name: 'Asia Pacific (New Zealand)', places: ['New Zealand'] },
  'ap-southeast-7': { name: 'Asia Pacific (Thailand)', places: ['Thailand'] },
  'ca-central-1': { name: 'Canada (Central)', places: ['Montreal', 'Montréal'] },
  'ca-west-1': { name: 'Canada West (Calgary)', places: ['Calgary'] },
  'cn-north-1': { name: 'China (Beijing)', places: ['Beijing'] },
  'cn-northwest-1': { name: 'China (Ningxia)', places: ['Ningxia'] },
  'eu-central-1': { name: 'Europe (Frankfurt)', places: ['Frankfurt'] },
  'eu-central-2': { name: 'Europe (Zurich)', places: ['Zurich', 'Zürich'] },
  'eu-north-1': { name: 'Europe (Stockholm)', places: ['Stockholm'] },
  'eu-south-1': { name: 'Europe (Milan)', places: ['Milan'] },
  'eu-south-2': { name: 'Europe (Spain)', places: ['Spain'] },
  'eu-west-1': { name: 'Europe (Ireland)', places: ['Ireland', 'Dublin'] },
  'eu-west-2': { name: 'Europe (London)', places: ['London'] },
  'eu-west-3': { name: 'Europe (Paris)', places: ['Paris'] },
  'il-central-1': { name: 'Israel (Tel Aviv)', places: ['Tel Aviv'] },
  'me-central-1': { name: 'Middle East (UAE)', places: ['UAE'] },
  'me-south-1': { name: 'Middle East (Bahrain)', places: ['Bahrain'] },
  'mx-central-1': { name: 'Mexico (Central)', places: [] },
  'sa-east-1': { name: 'South America (São Paulo)', places: ['São Paulo', 'Sao Paulo'] },
  'us-east-1': { name: 'US East (N. Virginia)', places: ['N. Virginia', 'Northern Virginia', 'North Virginia'] },
  'us-east-2': { name: 'US East (Ohio)', places: ['Ohio'] },
  'us-gov-east-1': { name: 'AWS GovCloud (US-East)', places: ['GovCloud (US-East)'] },
  'us-gov-west-1': { name: 'AWS GovCloud (US-West)', places: ['GovCloud (US-West)'] },
  'us-west-1': { name: 'US West (N. California)', places: ['N. California', 'Northern California'] },
  'us-west-2': { name: 'US West (Oregon)', places: ['Oregon'] },
};

/** "US East (N. Virginia)", or the code itself for a region this release does not know. */
export function regionDisplayName(code: string): string {
  return REGION_NAMES[code]?.name ?? code;
}

/** `us-east-1 (US East (N. Virginia))`, or just the code for pseudo-regions such as `global`. */
export function regionLabel(code: string): string {
  const name = REGION_NAMES[code]?.name;
  return name ? `${code} — ${name}` : code;
}

export interface RegionMention {
  region: string;
  /** The words that named it, as written. */
  as: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Matcher {
  region: string;
  pattern: RegExp;
}

const MATCHERS: Matcher[] = AWS_REGIONS.flatMap((region) => {
  const names = REGION_NAMES[region];
  const words = [region, ...(names ? [names.name, ...names.places] : [])];
  // Longest first, so "US East (N. Virginia)" is reported as itself rather than as "N. Virginia".
  return words
    .sort((a, b) => b.length - a.length)
    .map((word) => ({
      region,
      // Not inside a longer word or code: "us-east-1" must not match in "us-east-10", "Paris" not in "Parisian".
      pattern: new RegExp(`(?<![\\p{L}\\p{N}-])${escapeRegExp(word)}(?![\\p{L}\\p{N}]|-\\d)`, region === word ? 'giu' : 'gu'),
    }));
});

/** Every region `text` names (by code, console name or location), each once with its first mention, in region order. */
export function findRegionMentions(text: string): RegionMention[] {
  const found = new Map<string, { index: number; as: string }>();
  for (const m of MATCHERS) {
    m.pattern.lastIndex = 0;
    const match = m.pattern.exec(text);
    if (!match) continue;
    const best = found.get(m.region);
    // The earliest mention; at the same place the longer name ("US East (N. Virginia)" over "N. Virginia" inside it).
    if (!best || match.index < best.index) found.set(m.region, { index: match.index, as: match[0] });
  }
  return AWS_REGIONS.filter((r) => found.has(r)).map((r) => ({ region: r, as: found.get(r)!.as }));
}
