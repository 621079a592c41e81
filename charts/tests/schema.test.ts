// Values that break the design are refused before anything renders, with a message naming them.
import { describe, expect, it } from 'vitest';
import { refusal } from './helm.js';

describe.each(['backend', 'frontend', 'postgresql'])('%s refuses', (chart) => {
  it('running as root', () => {
    expect(refusal(chart, { set: { 'security.runAsUser': 0 } })).toContain(
      "at '/security/runAsUser': minimum: got 0, want 1",
    );
  });

  it('a capability other than NET_BIND_SERVICE', () => {
    expect(refusal(chart, { setJson: { 'security.addCapabilities': ['SYS_ADMIN'] } })).toContain(
      "at '/security/addCapabilities/0': value must be 'NET_BIND_SERVICE'",
    );
  });

  it('an unknown value (a typo is not silently ignored)', () => {
    expect(refusal(chart, { set: { 'resources.limits.memroy': '1Gi' } })).toContain(
      "additional properties 'memroy' not allowed",
    );
  });

  it('a malformed quantity', () => {
    expect(refusal(chart, { set: { 'resources.limits.memory': 'lots' } })).toContain(
      '/resources/limits/memory',
    );
  });
});

describe.each(['backend', 'frontend'])('%s refuses', (chart) => {
  it('an autoscaling mode other than hpa, keda or none', () => {
    expect(refusal(chart, { set: { 'autoscaling.mode': 'both' } })).toContain(
      "at '/autoscaling/mode': value must be one of 'hpa', 'keda', 'none'",
    );
  });

  it('more minimum than maximum replicas (the library check)', () => {
    expect(refusal(chart, { set: { 'autoscaling.minReplicas': 12 } })).toContain(
      `${chart}: autoscaling.minReplicas (12) is above autoscaling.maxReplicas (10)`,
    );
  });

  it('an unknown rollout strategy', () => {
    expect(refusal(chart, { set: { 'rollout.strategy': 'recreate' } })).toContain(
      '/rollout/strategy',
    );
  });
});

describe('backend refuses', () => {
  it('the AWS provider without the secret ARN', () => {
    expect(refusal('backend', { set: { 'database.credentials.csi.provider': 'aws' } })).toContain(
      'database.credentials.csi.aws.secretArn is required',
    );
  });

  it('a Secret source without the Secret name', () => {
    expect(refusal('backend', { set: { 'database.credentials.source': 'secret' } })).toContain(
      'database.credentials.existingSecret is required',
    );
  });
});

describe('platform refuses', () => {
  it('a namespace without a Pod Security level it knows', () => {
    expect(
      refusal('platform', {
        setJson: { namespaces: [{ name: 'x', podSecurity: 'open', reason: 'why' }] },
      }),
    ).toContain('/namespaces/0/podSecurity');
  });

  it('binding app-reader in a namespace it does not create', () => {
    expect(refusal('platform', { set: { 'appReader.namespace': 'elsewhere' } })).toContain(
      'platform: namespace "elsewhere" (appReader.namespace or quota.namespace) is not in namespaces',
    );
  });
});
