import type { GapKind } from '../evidence/types.js';

/** What an SDK error means for the evidence: its code, and which kind of gap it is. */
export interface AwsErrorInfo {
  kind: Extract<GapKind, 'denied' | 'throttled' | 'failed' | 'unsupported'>;
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'AWSOrganizationsNotInUseException',
  'OptInRequired',
  'AuthFailure',
]);

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);

interface SdkErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; body?: unknown };
}

export function errorCode(error: unknown): string {
  const e = error as SdkErrorLike | undefined;
  return e?.name && e.name !== 'Error' ? e.name : (e?.Code ?? e?.code ?? 'Error');
}

/**
 * Classifies an SDK error into a gap kind. An emulator answering HTTP 500 with an HTML page
 * (moto for an operation it does not implement) is `unsupported`, not a crash.
 */
export function classifyAwsError(error: unknown): AwsErrorInfo {
  const e = (error ?? {}) as SdkErrorLike;
  const code = errorCode(error);
  const httpStatus = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const requestId = e.$metadata?.requestId;
  let message = String(e.message ?? error).replace(/\s+/g, ' ').trim();
  if (message.length > 500) message = message.slice(0, 500) + '…';
  const base = { code, message, httpStatus, requestId };
  if (DENIED.has(code) || httpStatus === 403) return { kind: 'denied', ...base };
  if (THROTTLED.has(code) || httpStatus === 429) return { kind: 'throttled', ...base };
  if (isNotImplementedError(error)) {
    return { kind: 'unsupported', ...base, message: `the endpoint does not implement this operation (HTTP ${httpStatus ?? '?'})` };
  }
  return { kind: 'failed', ...base };
}

/**
 * True when the endpoint answered that it does not implement the operation: an emulator's HTML
 * error page (moto answers unimplemented operations with HTTP 500 and an HTML body), HTTP 501,
 * or an explicit UnknownOperation/NotImplemented code.
 */
export function isNotImplementedError(error: unknown): boolean {
  const e = (error ?? {}) as SdkErrorLike;
  const code = errorCode(error);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (code === 'UnknownOperationException' || code === 'NotImplemented' || status === 501) return true;
  const body = typeof e.$response?.body === 'string' ? e.$response.body : '';
  return /<html|<!doctype/i.test(String(e.message ?? '')) || /^\s*(<!doctype|<html)/i.test(body);
}

/**
 * Errors that mean "not configured" rather than "could not tell": the setting is absent, which is
 * evidence in itself (PRODUCT.md, "surprises worth knowing"). Keyed by operation name.
 */
export const ABSENT_ERRORS: Readonly<Record<string, readonly string[]>> = {
  GetBucketTagging: ['NoSuchTagSet'],
  GetBucketReplication: ['ReplicationConfigurationNotFoundError'],
  GetObjectLockConfiguration: ['ObjectLockConfigurationNotFoundError'],
  GetBucketEncryption: ['ServerSideEncryptionConfigurationNotFoundError'],
  GetBucketPolicy: ['NoSuchBucketPolicy'],
  GetBucketLifecycleConfiguration: ['NoSuchLifecycleConfiguration'],
  GetBackupVaultAccessPolicy: ['ResourceNotFoundException'],
  GetBackupVaultNotifications: ['ResourceNotFoundException'],
  GetKeyRotationStatus: ['UnsupportedOperationException'],
  // AWS Config has no configuration items for the resource (never recorded, or aged out).
  GetResourceConfigHistory: ['ResourceNotDiscoveredException'],
};

/** True when `error` from `operation` means the configuration is absent. */
export function isAbsentError(operation: string, error: unknown): boolean {
  const action = operation.includes(':') ? operation.split(':')[1] : operation;
  return ABSENT_ERRORS[action]?.includes(errorCode(error)) ?? false;
}
