import { apiRequest } from '../../../lib/api-client';
import type { Task } from '../types';
import { taskPath } from './keys';

export async function getTask(id: string): Promise<Task> {
  return (await apiRequest<Task>(taskPath(id))).data;
}
