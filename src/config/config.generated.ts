/* Generated from evidence-schemas/config.schema.json by `npm run gen:types`. Do not edit. */

/**
 * proofpack.yaml: what to collect, for which period, and where the evidence is kept.
 */
export interface ProofpackConfig {
  /**
   * Legal name of the service organization, as it appears on the report.
   */
  organization: string;
  /**
   * Name of the system under audit.
   */
  system: string;
  /**
   * The observation period, inclusive, in UTC days.
   */
  period: {
    start: string;
    end: string;
  };
  /**
   * Accounts in scope: a list, or an AWS Organizations query.
   */
  accounts: [Account, ...Account[]] | OrganizationAccounts;
  /**
   * Regions in scope.
   *
   * @minItems 1
   */
  regions: [string, ...string[]];
  /**
   * Evidence store: a folder (relative to this file) or s3://bucket/prefix.
   */
  store: string;
  /**
   * Object Lock retention applied to every object written to an S3 store.
   */
  storeRetention?: {
    mode: 'COMPLIANCE' | 'GOVERNANCE';
    days: number;
  };
  /**
   * Primary/secondary region pairs for recovery (copies, replicas, parity).
   */
  regionPairs?: {
    primary: string;
    secondary: string;
  }[];
  /**
   * Which resources are in scope. Absent: every resource in the accounts and regions.
   */
  scope?: {
    /**
     * A resource is in scope when it carries every one of these tags.
     */
    tags?: {
      [k: string]: string;
    };
  };
  /**
   * Data tagged like this (and its replicas and backup copies) must stay in these regions.
   */
  residency?: {
    tag: {
      [k: string]: string;
    };
    /**
     * @minItems 1
     */
    allowedRegions: [string, ...string[]];
  }[];
  targets?: {
    rtoMinutes?: number;
    rpoMinutes?: number;
    backupSuccessRate?: number;
    minRetentionDays?: number;
    drTestFrequency?: 'annual' | 'semiannual' | 'quarterly' | 'monthly';
    copyJobMaxLagHours?: number;
  };
  /**
   * Narrative file (YAML), relative to this file.
   */
  narrative?: string;
  /**
   * Folder of user diagrams, relative to this file.
   */
  diagrams?: string;
  /**
   * Folder of DR game-day records (YAML/JSON), relative to this file.
   */
  drTests?: string;
  waivers?: {
    control: string;
    /**
     * Resource id/ARN, * wildcards allowed.
     */
    resource: string;
    reason: string;
    approver: string;
    expires: string;
  }[];
  /**
   * An AWS Config aggregator: the inventory comes from it (one set of calls in the aggregator account) instead of per-account calls. Configuration history stays per account and region: AWS has no aggregate history API.
   */
  aggregator?: {
    name: string;
    region: string;
    account?: string;
  };
  /**
   * AWS Backup's cross-account job listing: backup jobs of every account come from one ListBackupJobs listing per region with ByAccountId "*", made with the role of this account (the organization's management account or AWS Backup's delegated administrator), so calls grow with regions, not accounts. Each account still gets its own evidence file. Copy and restore jobs stay per account: AWS documents the organization-wide value for ListBackupJobs only.
   */
  backupOrganizationView?: {
    /**
     * The account whose role lists the organization's backup jobs; one of the accounts in scope.
     */
    account: string;
  };
  /**
   * A CloudTrail Lake event data store that holds the organization's management events: the DR and protection-change events of every account and region come from one SQL query per run (StartQuery, GetQueryResults) instead of LookupEvents per account × region. Each account × region still gets its own evidence file. CloudTrail Lake is closed to new customers since 31 May 2026; existing event data stores keep working.
   */
  eventDataStore?: {
    /**
     * The event data store's ARN; its region is where the query runs.
     */
    arn: string;
    /**
     * The account whose role runs the query (the store's owner or a delegated administrator); one of the accounts in scope. Default: the account in the ARN.
     */
    account?: string;
    /**
     * The store's retention period in days (its RetentionPeriod). With it, a capture reaches back that far instead of the 90 days of CloudTrail event history, so a late first run still covers the period. Default 90.
     */
    retentionDays?: number;
  };
  report?: {
    paperSize?: 'A4' | 'Letter';
  };
  /**
   * The collect runs you have scheduled (deploy/, docs/SCHEDULING.md). A day, week or month of the period without a successful run of a schedule is a missed run in the coverage ledger.
   */
  schedules?: {
    name: string;
    cadence: 'daily' | 'weekly' | 'monthly';
    /**
     * The scheduled command's `collect --only` words (e.g. [jobs, events]); absent: a full collect.
     */
    only?: string[];
    /**
     * Hours after a slot ends before a missing run counts (default 12).
     */
    graceHours?: number;
  }[];
  collection?: {
    concurrency?: number;
    maxAttempts?: number;
  };
}
export interface Account {
  id: string;
  name: string;
  roleArn?: string;
}
export interface OrganizationAccounts {
  organization: true;
  roleName: string;
  include?: string[];
  exclude?: string[];
  /**
   * Accounts collected at once (default 4).
   */
  concurrency?: number;
}
