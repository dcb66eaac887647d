import { execFileSync } from 'node:child_process';

/**
 * Runs once before all tests: fake credentials that only the local emulator accepts, no shared
 * config from the user's home, no instance metadata lookups; and a clear failure when moto_server
 * (the AWS API emulator the integration tests run against) is not installed.
 */
export default function globalSetup(): void {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_PROFILE;
  try {
    execFileSync('moto_server', ['--help'], { stdio: 'ignore' });
  } catch {
    throw new Error('moto_server is not on PATH: install it with `pip install "moto[server]"` (the integration tests run against it)');
  }
}
