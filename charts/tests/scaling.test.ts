// HPA or KEDA, never both; no replicas field when autoscaled; a PDB whenever replicas can be > 1.
import { describe, expect, it } from 'vitest';
import { kinds, only, render } from './helm.js';

describe.each(['backend', 'frontend'])('%s scaling', (chart) => {
  it('hpa: an HPA at CPU 70% and memory 80%, 2-10 replicas, no ScaledObject, no replicas field', () => {
    const objects = render(chart, { set: { 'autoscaling.mode': 'hpa' } });
    expect(kinds(objects)).not.toContain('ScaledObject');
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      scaleTargetRef: { kind: 'Deployment', name: chart },
    });
    expect(
      hpa.spec.metrics.map(
        (m: { resource: { name: string; target: { averageUtilization: number } } }) => [
          m.resource.name,
          m.resource.target.averageUtilization,
        ],
      ),
    ).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
    expect(only(objects, 'Deployment').spec).not.toHaveProperty('replicas');
  });

  it('keda: a ScaledObject with CPU, memory and a Prometheus trigger on the request rate, no HPA', () => {
    const objects = render(chart, { set: { 'autoscaling.mode': 'keda' } });
    expect(kinds(objects)).not.toContain('HorizontalPodAutoscaler');
    const scaledObject = only(objects, 'ScaledObject');
    expect(scaledObject.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 10 });
    const triggers = scaledObject.spec.triggers as {
      type: string;
      metadata: Record<string, string>;
    }[];
    expect(triggers.map((t) => t.type)).toEqual(['cpu', 'memory', 'prometheus']);
    expect(triggers[2]?.metadata.query).toContain('http_request_duration_seconds_count');
    expect(only(objects, 'Deployment').spec).not.toHaveProperty('replicas');
  });

  it('none: neither autoscaler and replicaCount replicas', () => {
    const objects = render(chart, { set: { 'autoscaling.mode': 'none', replicaCount: 3 } });
    expect(kinds(objects)).not.toContain('HorizontalPodAutoscaler');
    expect(kinds(objects)).not.toContain('ScaledObject');
    expect(only(objects, 'Deployment').spec.replicas).toBe(3);
  });

  it('targets the Rollout when the chart renders one', () => {
    const objects = render(chart, {
      set: { 'autoscaling.mode': 'keda', 'rollout.strategy': 'canary' },
    });
    expect(only(objects, 'ScaledObject').spec.scaleTargetRef).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: chart,
    });
  });

  it('keeps half the pods through voluntary disruptions, and has no PDB for a single replica', () => {
    expect(only(render(chart), 'PodDisruptionBudget').spec).toEqual({
      minAvailable: '50%',
      selector: {
        matchLabels: { 'app.kubernetes.io/name': chart, 'app.kubernetes.io/instance': chart },
      },
    });
    expect(
      only(render(chart, { set: { 'pdb.maxUnavailable': 1 } }), 'PodDisruptionBudget').spec
        .maxUnavailable,
    ).toBe(1);
    expect(
      kinds(render(chart, { set: { 'autoscaling.mode': 'none', replicaCount: 1 } })),
    ).not.toContain('PodDisruptionBudget');
  });

  it('rolls a Deployment 25% / 25%', () => {
    expect(only(render(chart), 'Deployment').spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
  });
});
