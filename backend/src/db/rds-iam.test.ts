import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { rdsIamSigner } from './rds-iam.js';

// The SDK's default credential chain reads these first; signing is local (no AWS call), so a
// made-up key shows what the token is signed for. Whether RDS accepts it is AWS's part.
const fakeKeys = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret' };

describe('rdsIamSigner', () => {
  const saved = Object.keys(fakeKeys).map((name) => [name, process.env[name]] as const);
  beforeEach(() => {
    Object.assign(process.env, fakeKeys);
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  });

  it('signs rds-db:connect as tbyte_app for the endpoint and region, fresh each time', async () => {
    const sign = rdsIamSigner({
      host: 'tbyte.abc.eu-central-1.rds.amazonaws.com',
      port: 5432,
      region: 'eu-central-1',
    });
    const token = await sign();
    const url = new URL(`https://${token}`);
    expect(url.host).toBe('tbyte.abc.eu-central-1.rds.amazonaws.com:5432');
    expect(url.searchParams.get('Action')).toBe('connect');
    expect(url.searchParams.get('DBUser')).toBe('tbyte_app');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-central-1\/rds-db\/aws4_request$/,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await sign()).not.toBe(token);
  });
});
