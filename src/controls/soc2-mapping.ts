/**
 * The SOC 2 mapping as data (STYLE.md §6): which Trust Services Criteria each control supports.
 * Kept apart from the controls' logic so a different framework mapping is another table, not a
 * change to any control. AWS publishes no SOC 2 conformance pack; this mapping is proofpack's own.
 */

/** The 2017 Trust Services Criteria (revised points of focus, 2022) that proofpack's controls support. */
export const SOC2_CRITERIA: Readonly<Record<string, string>> = {
  'A1.2': 'Environmental protections, software, data back-up processes, and recovery infrastructure are authorized, designed, developed or acquired, implemented, operated, approved, maintained, and monitored',
  'A1.3': 'Recovery plan procedures supporting system recovery are tested',
  'C1.1': 'Confidential information is identified and maintained to meet objectives related to confidentiality',
  'C1.2': 'Confidential information is disposed of to meet objectives related to confidentiality',
  'CC6.1': 'Logical access security software, infrastructure, and architectures protect information assets (including encryption of data at rest)',
  'CC7.1': 'Detection and monitoring procedures identify changes to configurations that introduce vulnerabilities',
  'CC7.2': 'System components are monitored for anomalies indicative of malicious acts, natural disasters, and errors',
  'CC9.1': 'Risk mitigation activities are identified, selected, and developed for risks arising from potential business disruptions',
  P: 'Privacy criteria (data location commitments)',
  IPE: 'Information produced by the entity (AICPA AT-C 205): completeness and accuracy of the evidence itself',
};

export interface CriteriaMapping {
  control: string;
  criteria: readonly string[];
}

export const SOC2_MAPPING: readonly CriteriaMapping[] = [
  { control: 'backup.plan-coverage', criteria: ['A1.2'] },
  { control: 'backup.job-success', criteria: ['A1.2'] },
  { control: 'backup.cross-region-copy', criteria: ['A1.2'] },
  { control: 'backup.vault-immutable', criteria: ['A1.2', 'C1.2'] },
  { control: 'backup.encrypted', criteria: ['CC6.1'] },
  { control: 'replication.s3', criteria: ['A1.2'] },
  { control: 'replication.rds', criteria: ['A1.2'] },
  { control: 'replication.dynamodb', criteria: ['A1.2'] },
  { control: 'residency.boundary', criteria: ['C1.1', 'P'] },
  { control: 'dr.test-frequency', criteria: ['A1.3'] },
  { control: 'dr.rto-rpo', criteria: ['A1.3'] },
  { control: 'monitoring.cloudtrail', criteria: ['CC7.2'] },
  { control: 'monitoring.config-recording', criteria: ['CC7.1'] },
  { control: 'monitoring.alarms', criteria: ['CC7.2', 'A1.2'] },
  { control: 'inventory.region-parity', criteria: ['A1.2', 'CC9.1'] },
  { control: 'inventory.approved-regions', criteria: ['CC9.1'] },
  { control: 'evidence.period-coverage', criteria: ['IPE'] },
];

export function criteriaOf(controlId: string): string[] {
  return [...(SOC2_MAPPING.find((m) => m.control === controlId)?.criteria ?? [])];
}
