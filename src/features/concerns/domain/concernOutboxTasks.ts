import { OutboxTask } from './concernPorts';

/** When a task first falls due: the delivery watch at its `notBefore` (if later than now), every other task now. */
export function firstDue(task: OutboxTask, now: string): string {
  return task.kind === 'watchDelivery' && task.notBefore > now ? task.notBefore : now;
}
