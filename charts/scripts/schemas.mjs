// Writes each chart's values.schema.json and the values table of its README.md from one
// description of the values (below), so the charts share the definitions of what they share.
// `node scripts/schemas.mjs --check` fails, naming the file, when a written file is out of date
// or when a chart's values.yaml holds a key the schema does not describe.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const chartsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

// ---- schema building blocks -----------------------------------------------------------------
const str = (description, extra = {}) => ({ type: 'string', description, ...extra });
const int = (description, minimum, maximum) => ({
  type: 'integer',
  description,
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});
const num = (description, minimum, maximum) => ({ type: 'number', description, minimum, maximum });
const bool = (description) => ({ type: 'boolean', description });
const oneOf = (description, values) => ({ type: 'string', description, enum: values });
const list = (description, items, extra = {}) => ({ type: 'array', description, items, ...extra });
const stringMap = (description) => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});
const tcpPort = { type: 'integer', minimum: 1, maximum: 65535 };
const freeList = (description) => list(description, { type: 'object' });
const freeObject = (description) => ({ type: 'object', description });
/** An object with exactly these keys, all required (values.yaml sets every one). */
const obj = (description, properties, optional = []) => ({
  type: 'object',
  description,
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

const quantity = (description) =>
  str(description, { pattern: '^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$' });
const duration = (description) => str(description, { pattern: '^[0-9]+(ms|s|m|h)$' });
const url = (description) => str(description, { pattern: '^https?://[^\\s]+$' });
const dnsName = (description) =>
  str(description, { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });
const percentOrCount = (description) => ({
  description,
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^([0-9]+%?)?$' },
  ],
});

// ---- what the charts share ------------------------------------------------------------------
const names = {
  nameOverride: str('Replaces the chart name in object names and the name label.'),
  fullnameOverride: str('Replaces the whole object name.'),
};

const image = (repository) =>
  obj('The container image.', {
    repository: str(`Image repository (the ECR repository ${repository} in AWS).`, {
      minLength: 1,
    }),
    tag: str('Image tag, the git SHA in the environments; empty means the chart appVersion.'),
    digest: str('Image digest (sha256:...); when set the image is pulled by digest.', {
      pattern: '^(sha256:[a-f0-9]{64})?$',
    }),
    pullPolicy: oneOf('Image pull policy.', ['Always', 'IfNotPresent', 'Never']),
  });

const imagePullSecrets = list(
  'Secrets for pulling the image (not needed for ECR on EKS nodes).',
  obj('A Secret reference.', { name: str('Secret name.') }),
);

const serviceAccount = (name) =>
  obj('The pod identity.', {
    create: bool('Create the ServiceAccount.'),
    name: dnsName(`ServiceAccount name (the design's ${name}).`),
    automountToken: bool(
      'Mount an API token into the pod; the app never calls the Kubernetes API, so off.',
    ),
    annotations: stringMap(
      'ServiceAccount annotations: eks.amazonaws.com/role-arn carries the IRSA role from Terraform.',
    ),
  });

const security = obj(
  'Pod identity. Everything else of the pod and container security context is fixed by the library (non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp).',
  {
    runAsUser: int('UID of the container process (never 0).', 1),
    runAsGroup: int('GID of the container process (never 0).', 1),
    fsGroup: int('Group that owns mounted volumes (never 0).', 1),
    addCapabilities: list(
      'Capabilities to add back; only NET_BIND_SERVICE, the one the restricted Pod Security profile allows.',
      { type: 'string', enum: ['NET_BIND_SERVICE'] },
      { uniqueItems: true },
    ),
  },
);

const resourceSet = (description) =>
  obj(description, {
    cpu: quantity('CPU.'),
    memory: quantity('Memory.'),
    'ephemeral-storage': quantity('Ephemeral storage (logs, emptyDir).'),
  });
const resources = obj('Container resources.', {
  requests: resourceSet('What the scheduler reserves.'),
  limits: resourceSet('The most the container may use.'),
});

const timing = {
  initialDelaySeconds: int('Seconds before the first probe.', 0),
  periodSeconds: int('Seconds between probes.', 1),
  timeoutSeconds: int('Seconds before a probe times out.', 1),
  failureThreshold: int('Failures in a row that count.', 1),
};
const httpProbe = (description, withDelay = true) => {
  const { initialDelaySeconds, ...rest } = timing;
  return obj(description, {
    path: str('HTTP path on the http port.', { pattern: '^/' }),
    ...(withDelay ? { initialDelaySeconds } : {}),
    ...rest,
  });
};
const httpProbes = obj('Kubernetes probes on the probe endpoints of the design.', {
  liveness: httpProbe('Liveness: restarts a process that cannot serve.'),
  readiness: httpProbe('Readiness: takes the pod out of the Service while not ready.'),
  startup: httpProbe('Startup: holds the other probes until the process started.', false),
});

const autoscaling = (query) =>
  obj('Scaling: an HPA, a KEDA ScaledObject (never both), or none (replicaCount).', {
    mode: oneOf('hpa, keda or none.', ['hpa', 'keda', 'none']),
    minReplicas: int('Fewest replicas.', 1),
    maxReplicas: int('Most replicas.', 1),
    targetCPUUtilizationPercentage: int('CPU utilisation (of requests) to scale at.', 1, 100),
    targetMemoryUtilizationPercentage: int('Memory utilisation (of requests) to scale at.', 1, 100),
    keda: obj('KEDA only.', {
      prometheus: obj(`The Prometheus trigger (${query}).`, {
        serverAddress: url('Prometheus address.'),
        query: str('PromQL query whose value is compared with the threshold per replica.', {
          minLength: 1,
        }),
        threshold: str('Target value per replica.', { pattern: '^[0-9]+(\\.[0-9]+)?$' }),
      }),
    }),
  });

const pdb = obj('PodDisruptionBudget, rendered when more than one replica can run.', {
  enabled: bool('Render it.'),
  minAvailable: percentOrCount('Pods that must stay up (count or percentage).'),
  maxUnavailable: percentOrCount('Pods that may be down; when set it wins over minAvailable.'),
});

const rollout = obj(
  'How a new version replaces the old: a Deployment rolling update, or an Argo Rollout.',
  {
    strategy: oneOf('rollingUpdate (Deployment, 25%/25%), canary or blueGreen (Argo Rollout).', [
      'rollingUpdate',
      'canary',
      'blueGreen',
    ]),
    canary: obj('Canary steps.', {
      weights: list(
        'Traffic weights in percent, each followed by a pause (replica ratio without a traffic router, ALB weights with an ALB Ingress).',
        { type: 'integer', minimum: 1, maximum: 99 },
        { minItems: 1 },
      ),
      pause: duration('Pause after each weight.'),
    }),
    analysis: obj(
      'The AnalysisTemplate: success rate and p95 latency from the backend histogram in Prometheus; failing aborts and rolls back.',
      {
        prometheusAddress: url('Prometheus address.'),
        backendService: dnsName('Service label of the backend series.'),
        window: duration('Rate window of the queries.'),
        interval: duration('Time between measurements.'),
        count: int('Measurements per analysis.', 1),
        failureLimit: int('Failed measurements tolerated.', 0),
        minSuccessRate: num('Lowest acceptable share of non-5xx responses.', 0, 1),
        maxP95Seconds: num('Highest acceptable p95 latency in seconds.', 0, 60),
      },
    ),
  },
);

const topologySpread = obj('Spread of the pods across zones and nodes.', {
  enabled: bool('Add the topology spread constraints.'),
  maxSkew: int('Most pods one zone (or node) may have above another.', 1),
  whenUnsatisfiable: oneOf('What the scheduler does when it cannot spread.', [
    'ScheduleAnyway',
    'DoNotSchedule',
  ]),
});

const placement = {
  nodeSelector: stringMap('Node labels the pods require.'),
  tolerations: freeList('Tolerations of the pods.'),
  affinity: freeObject('Affinity of the pods.'),
  podAnnotations: stringMap('Annotations on the pods.'),
};

const dns = obj('Where the cluster DNS runs (every policy allows it).', {
  namespace: dnsName('Namespace of the DNS pods.'),
  podLabels: stringMap('Labels of the DNS pods.'),
});

const vault = (what) =>
  obj(`${what} in Vault, read by the Vault provider of the Secrets Store CSI driver.`, {
    address: url('Vault address.'),
    role: dnsName("Vault Kubernetes-auth role bound to this chart's ServiceAccount."),
    kubernetesMountPath: str('Mount path of the Kubernetes auth method.', { minLength: 1 }),
    path: str('KV v2 path of the secret.', { pattern: '^[^\\s]+/data/[^\\s]+$' }),
  });

const apiKey = obj(
  'The service key (X-Api-Key) from Vault through the CSI driver, mounted at /mnt/secrets/api.',
  {
    enabled: bool('Mount the key; off, the backend API is open.'),
    vault: obj(vault('The key').description, {
      ...vault('').properties,
      key: str('Key of the secret (also the file name).', { pattern: '^[A-Za-z0-9._-]+$' }),
    }),
  },
);

/** Keys Helm itself adds: the library dependency's (empty) values and the global section. */
const helmKeys = {
  'tbyte-common': freeObject('Values of the library chart; it takes none.'),
  global: freeObject('Helm global values; the charts read none.'),
};
const optionalHelmKeys = Object.keys(helmKeys);

const appCommon = (chart) => ({
  ...names,
  component: oneOf('Value of the app.kubernetes.io/component label.', [chart]),
  image: image(`tbyte/${chart}`),
  imagePullSecrets,
  containerPort: int(
    'Port the container listens on (above 1024: no capability needed).',
    1025,
    65535,
  ),
  service: obj('The ClusterIP Service.', { port: int('Service port.', 1, 65535) }),
  serviceAccount: serviceAccount(`tbyte/${chart}`),
  security,
  resources,
  tmpSizeLimit: quantity('Size limit of the /tmp emptyDir (the root filesystem is read-only).'),
  probes: httpProbes,
  preStopSleepSeconds: int(
    'Seconds the pod keeps serving after it is told to stop, while the load balancer and endpoints forget it.',
    0,
    120,
  ),
  terminationGracePeriodSeconds: int('Seconds Kubernetes waits before killing the pod.', 1),
  replicaCount: int('Replicas when autoscaling.mode is none.', 1),
  autoscaling: autoscaling("the backend's request rate"),
  pdb,
  rollout,
  topologySpread,
  ...placement,
  extraEnv: freeList('More container environment variables.'),
  ...helmKeys,
});

// ---- the charts -----------------------------------------------------------------------------
const backend = obj(
  'Values of the backend chart.',
  {
    ...appCommon('backend'),
    metrics: obj('Prometheus metrics on their own port (never routed from the ingress).', {
      enabled: bool('Expose the metrics port.'),
      port: int('METRICS_PORT.', 1025, 65535),
      serviceMonitor: obj('The Prometheus Operator ServiceMonitor.', {
        enabled: bool('Render it.'),
        interval: duration('Scrape interval.'),
        labels: stringMap("Labels Prometheus's serviceMonitorSelector matches."),
      }),
    }),
    prometheusRule: obj('The alerting rules of observability/rules as a PrometheusRule.', {
      enabled: bool('Render it.'),
      labels: stringMap("Labels Prometheus's ruleSelector matches."),
    }),
    grafanaDashboards: obj('The dashboards of observability/dashboards as a ConfigMap.', {
      enabled: bool('Render it.'),
      sidecarLabel: str("Label the Grafana dashboard sidecar looks for (set to '1').", {
        minLength: 1,
      }),
      folder: str('Grafana folder of the dashboards.', { minLength: 1 }),
    }),
    config: obj('Backend settings (docs/architecture.md, configuration).', {
      logLevel: oneOf('LOG_LEVEL.', ['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
      dbPoolMax: int('DB_POOL_MAX.', 1, 500),
      shutdownGraceSeconds: int('SHUTDOWN_GRACE_SECONDS.', 0, 300),
      corsOrigins: str('CORS_ORIGINS (comma-separated origins); empty, CORS stays closed.'),
      trustProxy: str('TRUST_PROXY (Express trust proxy).', { minLength: 1 }),
      rateLimitMax: int('RATE_LIMIT_MAX.', 1),
      rateLimitWindowSeconds: int('RATE_LIMIT_WINDOW_SECONDS.', 1, 3600),
      otel: obj('Tracing.', {
        endpoint: str('OTEL_EXPORTER_OTLP_ENDPOINT; empty turns tracing off.', {
          pattern: '^(https?://[^\\s]+)?$',
        }),
        serviceName: str('OTEL_SERVICE_NAME.', { minLength: 1 }),
      }),
    }),
    database: obj('The PostgreSQL server.', {
      host: str('PGHOST.', { minLength: 1 }),
      port: int('PGPORT.', 1, 65535),
      name: str('PGDATABASE.', { minLength: 1 }),
      sslMode: oneOf('PGSSLMODE.', [
        'disable',
        'prefer',
        'require',
        'verify-ca',
        'verify-full',
        'no-verify',
      ]),
      tlsCA: obj('CA bundle that verifies the server (NODE_EXTRA_CA_CERTS).', {
        configMap: str('ConfigMap holding it; empty uses Node.js CAs only.'),
        key: str('Key of the bundle in the ConfigMap.', { minLength: 1 }),
      }),
      credentials: obj('username and password files at /mnt/secrets/db (DB_CREDENTIALS_DIR).', {
        source: oneOf('csi (Secrets Store CSI driver) or secret (an existing Secret).', [
          'csi',
          'secret',
        ]),
        existingSecret: str('Secret with keys username and password (source secret).'),
        csi: obj('Source csi.', {
          provider: oneOf('aws (the RDS-managed secret) or vault.', ['aws', 'vault']),
          aws: obj('Provider aws: the RDS-managed secret in Secrets Manager.', {
            secretArn: str('ARN of the secret (Terraform output).', {
              pattern: '^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)?$',
            }),
            region: str('Region of the secret; empty, the pod region.', {
              pattern: '^([a-z]{2}(-[a-z]+)+-[0-9])?$',
            }),
          }),
          vault: vault('Provider vault: username and password'),
        }),
      }),
    }),
    apiKey,
    networkPolicy: obj("The backend's NetworkPolicy (the design's rules).", {
      enabled: bool('Render it.'),
      dns,
      frontendPodLabels: stringMap('Labels of the frontend pods (may reach 8080).'),
      monitoringNamespace: dnsName('Namespace whose pods may scrape 9090.'),
      collector: obj('The OpenTelemetry Collector (reachable on 4317/4318).', {
        namespace: dnsName('Its namespace.'),
        podLabels: stringMap('Its pod labels.'),
      }),
      database: obj('The database (reachable on database.port).', {
        podLabels: stringMap('Labels of in-cluster database pods.'),
        cidrs: list('CIDRs of the RDS subnets; when set they replace the pod selector.', {
          type: 'string',
          pattern: '^[0-9.]+/[0-9]+$',
        }),
      }),
      httpsEgressCidrs: list(
        'CIDRs the backend may reach on 443 (the VPC interface endpoints of the AWS APIs it calls); empty, none.',
        { type: 'string', pattern: '^[0-9.]+/[0-9]+$' },
      ),
    }),
  },
  optionalHelmKeys,
);

const frontend = obj(
  'Values of the frontend chart.',
  {
    ...appCommon('frontend'),
    backendUrl: url(
      'BACKEND_URL: where nginx proxies /api/ (fully qualified: nginx ignores search domains).',
    ),
    runtimeConfig: obj('What /config.json says (written at container start).', {
      environment: str('APP_ENVIRONMENT.', { pattern: '^[A-Za-z0-9._+-]+$' }),
      featureFlags: list(
        'FEATURE_FLAGS: names of the features switched on.',
        { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
        { uniqueItems: true },
      ),
    }),
    edge: obj("What nginx believes about a request's origin.", {
      extraServerNames: list(
        'Host names answered besides ingress.host (any other gets 421).',
        { type: 'string', pattern: '^[A-Za-z0-9*]([-A-Za-z0-9.*_]*[A-Za-z0-9])?$' },
        { uniqueItems: true },
      ),
      trustedProxies: list(
        'CIDRs of the hops in front of nginx, which alone may name the client (X-Forwarded-For).',
        { type: 'string', pattern: '^[0-9a-fA-F.:]+(/[0-9]+)?$' },
        { uniqueItems: true },
      ),
      traceHops: list(
        'CIDRs of the hops that start traces and request ids themselves, whose traceparent and X-Request-Id nginx continues.',
        { type: 'string', pattern: '^[0-9a-fA-F.:]+(/[0-9]+)?$' },
        { uniqueItems: true },
      ),
    }),
    ingress: obj('The Ingress for the public host.', {
      enabled: bool('Render it.'),
      className: str('IngressClass: nginx (F5 NGINX Ingress Controller) or alb.', {
        minLength: 1,
      }),
      host: str('Public host name.', { pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
      annotations: stringMap('Ingress annotations (for example the ALB settings).'),
      tls: obj('TLS on the Ingress.', {
        enabled: bool('Serve HTTPS for the host.'),
        secretName: dnsName('Secret holding the certificate (cert-manager or the controller).'),
      }),
    }),
    apiKey,
    networkPolicy: obj("The frontend's NetworkPolicy (the design's rules).", {
      enabled: bool('Render it.'),
      dns,
      ingressFrom: obj('Who may reach nginx on 8080.', {
        namespace: dnsName("The ingress controller's namespace."),
        cidrs: list('Load balancer CIDRs (ALB in IP mode); when set they replace the namespace.', {
          type: 'string',
          pattern: '^[0-9.]+/[0-9]+$',
        }),
      }),
      backendPodLabels: stringMap('Labels of the backend pods (reachable on backendPort).'),
      backendPort: int("The backend pods' port.", 1, 65535),
    }),
  },
  optionalHelmKeys,
);

const { initialDelaySeconds, ...probeTiming } = timing;
const postgresql = obj(
  'Values of the postgresql chart.',
  {
    ...names,
    component: oneOf('Value of the app.kubernetes.io/component label.', ['database']),
    image: image('postgres (the official image; never Bitnami)'),
    imagePullSecrets,
    containerPort: int('PostgreSQL port.', 1025, 65535),
    database: str('POSTGRES_DB, created at the first start.', { pattern: '^[a-z_][a-z0-9_]*$' }),
    credentials: obj('username and password files at /mnt/secrets/db, read at the first start.', {
      source: oneOf('csi (Vault through the CSI driver) or secret (an existing Secret).', [
        'csi',
        'secret',
      ]),
      existingSecret: str('Secret with keys username and password (source secret).'),
      vault: vault('Source csi: username and password'),
    }),
    persistence: obj('The data volume (a PVC per replica, kept when the release goes).', {
      storageClass: str(
        "StorageClass (the platform chart creates gp3); empty, the cluster's default.",
        { pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$' },
      ),
      size: quantity('Size.'),
    }),
    serviceAccount: serviceAccount('tbyte/postgresql'),
    security,
    resources,
    tmpSizeLimit: quantity('Size limit of the /tmp emptyDir.'),
    sharedMemorySizeLimit: quantity('Size of /dev/shm (PostgreSQL parallel workers).'),
    probes: obj('pg_isready probes.', {
      liveness: obj('Liveness.', { initialDelaySeconds, ...probeTiming }),
      readiness: obj('Readiness.', { initialDelaySeconds, ...probeTiming }),
      startup: obj('Startup (initdb on the first start takes a while).', probeTiming),
    }),
    terminationGracePeriodSeconds: int('Seconds PostgreSQL gets to shut down cleanly.', 1),
    ...placement,
    networkPolicy: obj(
      "The database's NetworkPolicy: in from backend pods only, out to DNS only.",
      {
        enabled: bool('Render it.'),
        dns,
        backendPodLabels: stringMap('Labels of the backend pods.'),
      },
    ),
    enabled: bool('The condition of the tbyte umbrella chart; this chart ignores it.'),
    ...helmKeys,
  },
  [...optionalHelmKeys, 'enabled'],
);

const platform = obj('Values of the platform chart.', {
  podSecurity: obj('Pod Security Admission.', {
    version: str('Policy version of the enforce, warn and audit labels.', {
      pattern: '^(latest|v1\\.[0-9]+)$',
    }),
  }),
  namespaces: list(
    'The platform namespaces.',
    obj('A namespace.', {
      name: dnsName('Name.'),
      podSecurity: oneOf('Enforced level.', ['restricted', 'baseline', 'privileged']),
      reason: str('Why this level (required; shown on the namespace).', { minLength: 3 }),
    }),
    { minItems: 1 },
  ),
  defaultDenyNetworkPolicy: bool('A deny-all NetworkPolicy in every namespace above.'),
  networkPolicies: obj("Allow rules of the platform namespaces (never of the app's).", {
    vpcCidr: str('The VPC CIDR (API server and ALB traffic); empty, flows from vpc are left out.', {
      pattern: '^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2})?$',
    }),
    platformBaseline: bool(
      'Own-namespace traffic (but the protected applications), DNS, HTTPS out and the scraper on the metrics ports in every platform namespace.',
    ),
    dns,
    scraper: obj('The one client that reaches every namespace, on its metrics ports only.', {
      namespace: dnsName('Its namespace.'),
      podLabels: stringMap('Its pod labels.'),
    }),
    metricsPorts: {
      type: 'object',
      description: 'TCP ports the scraper may reach, by namespace.',
      additionalProperties: list('Metrics ports.', tcpPort, { minItems: 1 }),
    },
    protectedApps: list(
      'Applications that admit only their named clients (their namespace baseline leaves them out).',
      obj('A protected application.', {
        name: dnsName('Name of its policy (platform-protect-NAME).'),
        namespace: dnsName('Its namespace.'),
        podLabels: {
          ...stringMap('The one label that selects its pods.'),
          minProperties: 1,
          maxProperties: 1,
        },
        clients: list(
          'Who may reach it, each on its ports.',
          obj(
            'A client.',
            {
              namespace: dnsName("The client's namespace; absent, the application's own."),
              podLabels: stringMap("The client's pod labels."),
              ports: list('TCP ports.', tcpPort, { minItems: 1 }),
            },
            ['namespace'],
          ),
          { minItems: 1 },
        ),
      }),
    ),
    flows: list(
      'Flows between namespaces.',
      obj('A flow.', {
        from: dnsName('Source namespace, or vpc.'),
        to: dnsName('Destination namespace, or vpc, or external.'),
        ports: list('TCP ports; empty, all.', tcpPort),
      }),
    ),
  }),
  appReader: obj('The app-reader Role and its binding.', {
    namespace: dnsName('Namespace of the Role.'),
    group: str('Group bound to it (an EKS access entry maps the IAM role).', { minLength: 1 }),
  }),
  quota: obj('ResourceQuota of the application namespace.', {
    namespace: dnsName('Namespace.'),
    hard: {
      type: 'object',
      description: 'Hard limits by resource name.',
      additionalProperties: quantity('Amount.'),
    },
  }),
  limitRange: obj('Container defaults of the application namespace.', {
    defaultRequest: resourceSet('Requests of a container that states none.'),
    default: resourceSet('Limits of a container that states none.'),
    max: obj('Most a container may ask for.', {
      cpu: quantity('CPU.'),
      memory: quantity('Memory.'),
    }),
  }),
  storageClass: obj('The EBS gp3 StorageClass.', {
    create: bool('Render it.'),
    name: dnsName('Name.'),
    default: bool('Make it the default StorageClass.'),
    reclaimPolicy: oneOf('What happens to a volume when its claim goes.', ['Delete', 'Retain']),
    kmsKeyId: str('KMS key ARN for the volumes; empty, the account default EBS key.', {
      pattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+)?$',
    }),
  }),
  rdsCaBundle: obj(
    "Amazon RDS's global CA bundle (files/rds-ca/) as the ConfigMap rds-ca-bundle.",
    {
      namespaces: list(
        'Namespaces whose pods verify the RDS server with it.',
        dnsName('A namespace.'),
      ),
    },
  ),
});

// ---- output ---------------------------------------------------------------------------------
const clusterNodes = obj('Values of the cluster-nodes chart.', {
  clusterName: str(
    'EKS cluster name (Terraform output cluster_name); selects subnets and security groups by karpenter.sh/discovery.',
    {
      pattern: '^([a-z0-9][a-z0-9-]*)?$',
    },
  ),
  nodeRoleName: str("IAM role of Karpenter's nodes (Terraform output karpenter_node_role_name).", {
    pattern: '^([A-Za-z0-9+=,.@_-]+)?$',
  }),
  amiAlias: str('Node image alias pinned to a release, family@vYYYYMMDD (never @latest).', {
    pattern: '^(al2023|bottlerocket)@v[0-9]{8}$',
  }),
  rootVolume: obj('Root volume of every node (gp3, encrypted).', {
    size: quantity('Size.'),
    kmsKeyId: str('KMS key ARN; empty, the account default EBS key.', {
      pattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+)?$',
    }),
  }),
  nodePools: list(
    'One NodePool per capacity type.',
    obj('A NodePool.', {
      name: dnsName('Name.'),
      capacityType: oneOf('Capacity type.', ['spot', 'on-demand']),
      weight: int('Priority among pools (higher first).', 1, 100),
      cpuLimit: quantity('Most CPU the pool may launch.'),
      memoryLimit: quantity('Most memory the pool may launch.'),
    }),
    { minItems: 1 },
  ),
  instanceCategories: list(
    'EC2 instance categories.',
    { type: 'string', pattern: '^[a-z]$' },
    { minItems: 1 },
  ),
  instanceGenerationAbove: int('Instance generations above this one only.', 1),
  architectures: list(
    'CPU architectures.',
    { type: 'string', enum: ['amd64', 'arm64'] },
    { minItems: 1 },
  ),
  zones: list('Availability zones; empty, all of the subnets.', {
    type: 'string',
    pattern: '^[a-z]{2}-[a-z]+-[0-9][a-z]$',
  }),
  consolidation: obj('Bin-packing.', {
    policy: oneOf('When Karpenter consolidates.', ['WhenEmpty', 'WhenEmptyOrUnderutilized']),
    after: duration('How long a node must be consolidatable first.'),
    budget: str('Share (or count) of nodes disrupted at once.', { pattern: '^[0-9]+%?$' }),
  }),
  expireAfter: duration('Node lifetime before replacement.'),
});

const vaultConfig = obj('Values of the vault-config chart.', {
  image: obj('The Vault CLI image (the server release).', {
    repository: str('Repository.', { minLength: 1 }),
    tag: str('Tag; empty, the chart appVersion.'),
    pullPolicy: oneOf('Pull policy.', ['Always', 'IfNotPresent', 'Never']),
  }),
  vault: obj('The Vault servers.', {
    address: url('Address of the active server.'),
    tokenSecret: dnsName(
      'Secret with the configuring token (key token), created at initialisation, never in git.',
    ),
  }),
  apps: list(
    'Apps with a policy file and a role.',
    { type: 'string', pattern: '^[a-z0-9-]+$' },
    { minItems: 1, uniqueItems: true },
  ),
  appNamespace: dnsName("Namespace of the apps' ServiceAccounts."),
  tokenAudience: str('Audience of the tokens the CSI driver requests for Vault.', { minLength: 1 }),
  databaseCredentials: bool('Generate the development database credentials.'),
  security: obj('Job identity (never 0).', {
    runAsUser: int('UID.', 1),
    runAsGroup: int('GID.', 1),
  }),
  resources,
  backoffLimit: int('Retries while Vault is sealed or unreachable.', 1, 100),
});

const edge = obj('Values of the edge chart.', {
  host: str('Public host.', { pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
  scheme: oneOf('ALB scheme.', ['internet-facing', 'internal']),
  certificateArn: str('ACM certificate; empty, HTTP only.', {
    pattern: '^(arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+)?$',
  }),
  controllerService: obj("The NGINX Ingress Controller's Service.", {
    name: dnsName('Name.'),
    port: int('Port.', 1, 65535),
  }),
  healthCheckPath: str("Path of nginx's health status.", { pattern: '^/' }),
  annotations: stringMap('More alb.ingress.kubernetes.io annotations.'),
});

const imagePolicy = obj('Values of the image-policy chart.', {
  namespaces: list(
    'Namespaces whose pods must run signed or excepted images.',
    { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    { minItems: 1, uniqueItems: true },
  ),
  signedImages: obj("This project's images and their signer.", {
    repositories: list(
      'Image repositories (registry/path, no tag) whose images must carry the signature.',
      { type: 'string', pattern: '^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+$' },
      { uniqueItems: true },
    ),
    issuer: url('OIDC issuer of the keyless signing identity.'),
    subject: str('Identity in the signing certificate (the release workflow on main).', {
      pattern: '^https://github.com/[^/]+/[^/]+/\\.github/workflows/[^@]+@refs/heads/[^\\s]+$',
    }),
    rekorUrl: url('Transparency log the signature is recorded in.'),
  }),
  unsignedImages: list('Image references (wildcards allowed) admitted unsigned.', {
    type: 'string',
    minLength: 1,
  }),
  webhookTimeoutSeconds: int('Seconds the API server waits for a verification.', 1, 30),
});

const charts = {
  backend,
  frontend,
  postgresql,
  platform,
  'cluster-nodes': clusterNodes,
  'vault-config': vaultConfig,
  edge,
  'image-policy': imagePolicy,
};
const problems = [];

function write(path, content) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // a file that does not exist yet is out of date
  }
  if (current === content) return;
  if (check) problems.push(`${path} is out of date: run pnpm --filter @tbyte/charts schemas`);
  else writeFileSync(path, content);
}

/** Rows of the values table: every leaf (or free-form object) with its type and default. */
function rows(schema, values, prefix = '') {
  if (schema.type === 'object' && schema.properties) {
    return Object.entries(schema.properties)
      .filter(([key]) => !optionalHelmKeys.includes(key))
      .flatMap(([key, child]) => rows(child, values?.[key], prefix ? `${prefix}.${key}` : key));
  }
  const type = schema.enum
    ? schema.enum.map((v) => `\`${v}\``).join(' \\| ')
    : (schema.type ?? schema.anyOf.map((s) => s.type).join(' or '));
  const shown = JSON.stringify(values ?? null).replaceAll('|', '\\|');
  return [`| \`${prefix}\` | ${type} | \`${shown}\` | ${schema.description} |`];
}

/** Keys of values.yaml the schema does not know (free-form maps and lists excepted). */
function unknownKeys(schema, values, prefix = '') {
  if (schema.type !== 'object' || !schema.properties || typeof values !== 'object' || !values)
    return [];
  return Object.entries(values).flatMap(([key, value]) => {
    const child = schema.properties[key];
    const path = prefix ? `${prefix}.${key}` : key;
    return child ? unknownKeys(child, value, path) : [path];
  });
}

for (const [name, schema] of Object.entries(charts)) {
  const dir = join(chartsDir, name);
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8'));
  for (const key of unknownKeys(schema, values)) {
    problems.push(`${name}/values.yaml: ${key} is not described in scripts/schemas.mjs`);
  }
  const document = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
  write(join(dir, 'values.schema.json'), `${JSON.stringify(document, null, 2)}\n`);

  const readmePath = join(dir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- values:start -->';
  const end = '<!-- values:end -->';
  if (!readme.includes(start) || !readme.includes(end)) {
    problems.push(`${readmePath} has no ${start} ... ${end} section`);
    continue;
  }
  const table = [
    '| Value | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows(schema, values),
  ].join('\n');
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  write(readmePath, `${before}\n\n${table}\n\n${after}`);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `${Object.keys(charts).length} chart schemas and value tables ${check ? 'up to date' : 'written'}`,
);
