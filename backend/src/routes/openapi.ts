import { Router } from 'express';
import { z } from 'zod';
import { problemContentType } from '../http/problem.js';
import { idempotencyKeySchema, listTasksQuerySchema, taskIdSchema } from '../tasks/schema.js';
// The component schemas register themselves (by their metadata id) when these modules load.
import './info.js';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const conversion = {
  io: 'input',
  target: 'draft-2020-12',
  uri: (id: string) => `#/components/schemas/${id}`,
} as const;

/** Every schema with an id in its metadata (request bodies and responses), as JSON Schema 2020-12. */
function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, conversion);
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => [id, stripDialect(schema)]),
  );
}

/** A parameter's schema: a reference when it is a named component, else converted in place. */
function parameterSchema(schema: z.ZodType): Record<string, unknown> {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  const id = z.globalRegistry.get(inner)?.id;
  return id ? ref(id) : stripDialect(z.toJSONSchema(inner, conversion));
}

function stripDialect(schema: Record<string, unknown>): Record<string, unknown> {
  // OpenAPI 3.1 sets the dialect for the whole document; a fragment-only $id is not valid there.
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

const problem = (description: string) => ({
  description,
  content: { [problemContentType]: { schema: ref('Problem') } },
});

const commonProblems = {
  '400': problem('A parameter, header or body field is not valid; errors names each.'),
  '401': problem('The service key is missing or wrong (when one is configured).'),
  '429': problem('Too many requests; Retry-After says when to try again.'),
  '503': problem('The database is unavailable; retry later.'),
};

const etagHeader = {
  ETag: { description: 'The task version as a strong entity tag.', schema: { type: 'string' } },
};
const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: parameterSchema(taskIdSchema.shape.id),
};

function queryParameters(): unknown[] {
  return Object.entries(listTasksQuerySchema.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: parameterSchema(schema),
  }));
}

/** The OpenAPI 3.1 document of the whole API, built from the validating schemas. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const taskResponse = (description: string) => ({
    description,
    headers: etagHeader,
    content: { 'application/json': { schema: ref('Task') } },
  });
  return {
    openapi: '3.1.1',
    info: {
      title: 'TByte API',
      version,
      description: 'Tasks on PostgreSQL. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        serviceKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description: 'Required on /api/tasks when the service runs with API_KEY_FILE.',
        },
      },
    },
    security: [{}, { serviceKey: [] }],
    paths: {
      '/api/tasks': {
        get: {
          operationId: 'listTasks',
          summary: 'List tasks, newest first, a page at a time.',
          parameters: queryParameters(),
          responses: {
            '200': {
              description: 'A page of tasks.',
              content: { 'application/json': { schema: ref('TaskList') } },
            },
            ...commonProblems,
          },
        },
        post: {
          operationId: 'createTask',
          summary: 'Create a task.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'A retry with the same key and body returns the first response.',
              schema: parameterSchema(idempotencyKeySchema),
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('CreateTask') } },
          },
          responses: {
            '201': {
              ...taskResponse(
                'Created (or, with a reused Idempotency-Key, the first response again).',
              ),
              headers: { ...etagHeader, Location: { schema: { type: 'string' } } },
            },
            '413': problem('The body is too large.'),
            '415': problem('The body is not JSON.'),
            '422': problem('The Idempotency-Key was used with a different body.'),
            ...commonProblems,
          },
        },
      },
      '/api/tasks/{id}': {
        parameters: [idParameter],
        get: {
          operationId: 'getTask',
          summary: 'Read a task; If-None-Match with its ETag gives 304.',
          responses: {
            '200': taskResponse('The task.'),
            '304': { description: 'Not modified.' },
            '404': problem('No such task.'),
            ...commonProblems,
          },
        },
        patch: {
          operationId: 'updateTask',
          summary: 'Change a task; If-Match with the ETag that was read is required.',
          parameters: [
            { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('UpdateTask') },
              'application/merge-patch+json': { schema: ref('UpdateTask') },
            },
          },
          responses: {
            '200': taskResponse('The changed task.'),
            '404': problem('No such task.'),
            '412': problem('The task changed since it was read; ETag holds the current version.'),
            '428': problem('If-Match is missing.'),
            ...commonProblems,
          },
        },
        delete: {
          operationId: 'deleteTask',
          summary: 'Delete a task; an If-Match header, when sent, must match.',
          responses: {
            '204': { description: 'Deleted.' },
            '404': problem('No such task.'),
            '412': problem('The task changed since it was read.'),
            ...commonProblems,
          },
        },
      },
      '/api/info': {
        get: {
          operationId: 'getInfo',
          summary: 'The instance that answered: version, commit, pod, node, database state.',
          security: [{}],
          responses: {
            '200': {
              description: 'Instance info.',
              content: { 'application/json': { schema: ref('Info') } },
            },
            '429': commonProblems['429'],
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document.',
          security: [{}],
          responses: { '200': { description: 'The OpenAPI 3.1 document.' } },
        },
      },
    },
  };
}

export function openApiRouter(version: string): Router {
  const body = JSON.stringify(buildOpenApiDocument(version));
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('application/json').setHeader('Cache-Control', 'no-cache').send(body);
  });
  return router;
}
