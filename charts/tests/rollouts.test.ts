// canary and blueGreen render an Argo Rollout (never also a Deployment) with Prometheus analysis.
import { describe, expect, it } from 'vitest';
import { kinds, only, render } from './helm.js';

describe.each(['backend', 'frontend'])('%s rollouts', (chart) => {
  it('canary without a traffic router steps the weight by replica ratio, with background analysis', () => {
    const objects = render(chart, { set: { 'rollout.strategy': 'canary' } });
    expect(kinds(objects)).not.toContain('Deployment');
    const canary = only(objects, 'Rollout').spec.strategy.canary;
    expect(canary).not.toHaveProperty('trafficRouting');
    expect(canary.steps).toEqual(
      [20, 50, 80].flatMap((w) => [{ setWeight: w }, { pause: { duration: '2m' } }]),
    );
    expect(canary.analysis).toMatchObject({
      templates: [{ templateName: chart }],
      startingStep: 1,
    });
    expect(canary.analysis.args).toEqual([
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ]);
  });

  it('blueGreen has active and preview Services and analysis before promotion', () => {
    const objects = render(chart, { set: { 'rollout.strategy': 'blueGreen' } });
    const blueGreen = only(objects, 'Rollout').spec.strategy.blueGreen;
    expect(blueGreen).toMatchObject({ activeService: chart, previewService: `${chart}-preview` });
    expect(blueGreen.prePromotionAnalysis.templates).toEqual([{ templateName: chart }]);
    expect(only(objects, 'Service', `${chart}-preview`).spec.selector).toEqual(
      only(objects, 'Service', chart).spec.selector,
    );
  });

  it('the AnalysisTemplate measures success rate and p95 latency from the backend histogram', () => {
    const template = only(
      render(chart, { set: { 'rollout.strategy': 'canary' } }),
      'AnalysisTemplate',
    );
    const [successRate, latency] = template.spec.metrics;
    expect(successRate.name).toBe('success-rate');
    expect(successRate.provider.prometheus.query).toContain('http_request_duration_seconds_count');
    expect(successRate.provider.prometheus.query).toContain('status_code!~"5.."');
    expect(successRate.successCondition).toContain('result[0] >= 0.99');
    expect(latency.provider.prometheus.query).toContain('histogram_quantile(0.95');
    expect(latency.provider.prometheus.query).toContain('http_request_duration_seconds_bucket');
    expect(latency.successCondition).toContain('result[0] <= 0.5');
    expect(successRate.failureLimit).toBe(1);
  });

  it('renders no Rollout or AnalysisTemplate for rollingUpdate', () => {
    const objects = render(chart);
    expect(kinds(objects)).not.toContain('Rollout');
    expect(kinds(objects)).not.toContain('AnalysisTemplate');
  });
});

describe('canary analysis scope', () => {
  it("the backend's analysis counts only the new pods' series", () => {
    const template = only(
      render('backend', { set: { 'rollout.strategy': 'canary' } }),
      'AnalysisTemplate',
    );
    expect(template.spec.metrics[0].provider.prometheus.query).toContain(
      'rollouts_pod_template_hash="{{args.canary-hash}}"',
    );
    expect(only(render('backend'), 'ServiceMonitor').spec.podTargetLabels).toEqual([
      'rollouts-pod-template-hash',
    ]);
  });

  it("a workload that fronts the backend is judged by all of the API's series", () => {
    const template = only(
      render('frontend', { set: { 'rollout.strategy': 'canary' } }),
      'AnalysisTemplate',
    );
    const query = template.spec.metrics[0].provider.prometheus.query;
    expect(query).toContain('service="backend"');
    expect(query).not.toContain('rollouts_pod_template_hash');
  });

  it('the scope follows the Service analysed, not the chart name', () => {
    const template = only(
      render('backend', {
        set: { 'rollout.strategy': 'canary', 'rollout.analysis.backendService': 'api' },
      }),
      'AnalysisTemplate',
    );
    expect(template.spec.metrics[0].provider.prometheus.query).not.toContain(
      'rollouts_pod_template_hash',
    );
  });
});

describe('frontend canary behind an ALB', () => {
  it('shifts traffic at the ALB through the Ingress, with stable and canary Services', () => {
    const objects = render('frontend', { values: ['examples/values-prod.yaml'] });
    const canary = only(objects, 'Rollout').spec.strategy.canary;
    expect(canary).toMatchObject({
      stableService: 'frontend',
      canaryService: 'frontend-canary',
      trafficRouting: { alb: { ingress: 'frontend', servicePort: 8080 } },
    });
    only(objects, 'Service', 'frontend-canary');
    const path = only(objects, 'Ingress').spec.rules[0].http.paths[0];
    expect(path.backend.service).toEqual({ name: 'frontend', port: { name: 'use-annotation' } });
  });
});
