import { beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { useTestApp } from '../../test/helpers/app.js';

const stack = useTestApp({ APP_VERSION: '9.8.7' });
let document: {
  openapi: string;
  components: { schemas: Record<string, object> };
  paths: Record<string, object>;
};

beforeAll(async () => {
  document = (await request(stack.t.app).get('/api/openapi.json').expect(200)).body;
});

/** Validates a body against a component schema of the served document itself. */
function conformsTo(schemaName: string, body: unknown): void {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    ajv.addSchema(schema, `#/components/schemas/${name}`);
  }
  const validate = ajv.getSchema(`#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`no schema ${schemaName}`);
  expect(validate(body) ? [] : validate.errors).toEqual([]);
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document carrying the service version', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document).toMatchObject({ info: { version: '9.8.7' } });
  });

  it('documents every operation the API serves', () => {
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/api/info',
        '/api/openapi.json',
        '/api/tasks',
        '/api/tasks/events',
        '/api/tasks/{id}',
      ].sort(),
    );
    expect(Object.keys(document.paths['/api/tasks/{id}'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
  });

  it('is generated from the validating schemas: the limits match what the API enforces', () => {
    const create = document.components.schemas.CreateTask as {
      properties: { title: { maxLength: number }; description: { maxLength: number } };
      additionalProperties: boolean;
      required: string[];
    };
    expect(create.properties.title.maxLength).toBe(200);
    expect(create.properties.description.maxLength).toBe(2000);
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(['title']);
  });

  it('describes what the API really answers', async () => {
    const created = await request(stack.t.app)
      .post('/api/tasks')
      .send({ title: 'Conform' })
      .expect(201);
    conformsTo('Task', created.body);
    conformsTo('TaskList', (await request(stack.t.app).get('/api/tasks').expect(200)).body);
    conformsTo('Info', (await request(stack.t.app).get('/api/info').expect(200)).body);
    conformsTo('Problem', (await request(stack.t.app).post('/api/tasks').send({})).body);
  });
});

describe('the frontend API types (frontend/src/lib/api/schema.d.ts)', () => {
  it('are what the current schemas generate: run `pnpm generate:api` when this fails', async () => {
    const { apiTypes, checkedInApiTypes } = await import('../../scripts/api-types.mjs');
    const generated = await apiTypes(document);
    expect(generated).toContain('Task: {');
    expect(await checkedInApiTypes()).toBe(generated);
  });
});

describe('GET /api/info', () => {
  it('says which instance answered and how its database is', async () => {
    const info = (await request(stack.t.app).get('/api/info').expect(200)).body;
    expect(info).toMatchObject({
      service: 'tbyte-backend',
      version: '9.8.7',
      commit: 'unknown',
      database: { status: 'up', latencyMs: expect.any(Number) },
    });
    expect(info.pod).toEqual(expect.any(String));
    expect(info.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});
