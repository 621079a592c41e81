import type { components } from '../../lib/api/schema';

// The shapes come from the backend's OpenAPI document (lib/api/schema.d.ts is generated):
// a changed schema field fails this workspace's typecheck until it is handled here.
export type Task = components['schemas']['Task'];
export type TaskStatus = components['schemas']['TaskStatus'];
export type TaskPage = components['schemas']['TaskList'];
export type NewTask = components['schemas']['CreateTask'];
export type TaskChanges = components['schemas']['UpdateTask'];
