import type { TaskDefinition } from './jobs/task.ts';
import { customerTasks } from './modules/customers/index.ts';

/** Every background task the worker runs. A task named in event subscriptions must be listed here. */
export const allTasks: TaskDefinition[] = [...customerTasks];
