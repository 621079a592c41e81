// The ALB in front of the ingress: its idle timeout keeps the task event streams open.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { only, refusal, render } from './helm.js';

/** The heartbeat the backend writes on every open event stream (backend/src/tasks/event-stream.ts). */
const heartbeatSeconds =
  Number(
    /export const defaultHeartbeatMs = ([\d_]+);/
      .exec(
        readFileSync(new URL('../../backend/src/tasks/event-stream.ts', import.meta.url), 'utf8'),
      )?.[1]
      ?.replaceAll('_', ''),
  ) / 1000;

describe('edge', () => {
  it('sets the ALB idle timeout above twice the event streams heartbeat', () => {
    expect(heartbeatSeconds).toBeGreaterThan(0);
    const ingress = only(render('edge'), 'Ingress');
    const attributes = String(
      ingress.metadata.annotations?.['alb.ingress.kubernetes.io/load-balancer-attributes'],
    ).split(',');
    const idle = attributes.find((a) => a.startsWith('idle_timeout.timeout_seconds='));
    expect(idle).toBeDefined();
    expect(Number(idle?.split('=')[1])).toBeGreaterThanOrEqual(2 * heartbeatSeconds);
  });

  it('joins more attributes into the one annotation and refuses one that is not key=value', () => {
    const ingress = only(
      render('edge', {
        set: {
          'loadBalancerAttributes[0]': 'idle_timeout.timeout_seconds=120',
          'loadBalancerAttributes[1]': 'routing.http.drop_invalid_header_fields.enabled=true',
        },
      }),
      'Ingress',
    );
    expect(
      ingress.metadata.annotations?.['alb.ingress.kubernetes.io/load-balancer-attributes'],
    ).toBe('idle_timeout.timeout_seconds=120,routing.http.drop_invalid_header_fields.enabled=true');
    expect(refusal('edge', { set: { 'loadBalancerAttributes[0]': 'idle timeout' } })).toMatch(
      /loadBalancerAttributes/,
    );
  });
});
