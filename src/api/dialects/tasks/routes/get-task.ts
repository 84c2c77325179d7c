import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { fromDialectId } from '../../id-forms.js'
import { presentTask, TASK_PREFIX } from '../present.js'
import { TaskIdParams, TaskSchema, type Task } from '../schemas.js'
import { D } from './submit.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type GetTaskResponse = Task

/** `GET /api/v1/tasks/:id`. */
export function registerGetTask(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/tasks/:id',
    dialect: D,
    operationId: 'getTask',
    summary: 'Task status; poll until completed or failed, then read `output`',
    params: TaskIdParams,
    responses: { 200: { description: 'The task, with `error` when failed', schema: TaskSchema } },
    async handler({ params, req }): Promise<GetTaskResponse> {
      const job = await deps.jobs.get(authOf(req).accountId, fromDialectId(params.id, TASK_PREFIX))
      if (!job) throw new AppError('not_found', 'Task does not exist or does not belong to this key owner.')
      return presentTask(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
    },
  })
}
