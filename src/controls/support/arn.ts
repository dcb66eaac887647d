/** Amazon Resource Names: `arn:partition:service:region:account:resource`. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string | undefined): ParsedArn | undefined {
  if (!arn || !arn.startsWith('arn:')) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}

/** The region named in an ARN ('' for global resources such as S3 buckets), or undefined when it is not an ARN. */
export function regionOfArn(arn: string | undefined): string | undefined {
  return parseArn(arn)?.region;
}

/** `arn:aws:s3:::name` → `name` (an S3 bucket ARN names no region or account). */
export function bucketNameOfArn(arn: string): string {
  return arn.startsWith('arn:') ? arn.split(':').slice(5).join(':').split('/')[0] : arn;
}
