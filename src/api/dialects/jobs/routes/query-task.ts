import { AppError } from '../../../../errors.js'
import { authOf } from '../../../plugins/auth.js'
import { defineRoute } from '../../../route.js'
import { fromDialectId } from '../../id-forms.js'
import { JobsTaskSchema, QueryTaskQuery, type JobsTask } from '../schemas.js'
import { presentTask, TASK_PREFIX } from '../present.js'
import { D } from './create-task.js'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../../deps.js'

export type QueryTaskResponse = JobsTask

/** `GET /api/v1/jobs/queryTask?taskId=`: another account's task is a 403, as seed 002 says. */
export function registerQueryTask(app: FastifyInstance, deps: AppDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/jobs/queryTask',
    dialect: D,
    operationId: 'queryTask',
    summary: 'Query task status and result',
    query: QueryTaskQuery,
    responses: { 200: { description: 'The task', schema: JobsTaskSchema }, 403: "Another account's task", 404: 'Task not found' },
    async handler({ query, req }): Promise<QueryTaskResponse> {
      const { accountId } = authOf(req)
      const id = fromDialectId(query.taskId, TASK_PREFIX)
      const job = await deps.jobs.get(accountId, id)
      if (!job) {
        if (await deps.jobs.existsElsewhere(accountId, id)) throw new AppError('forbidden', 'You can only query your own tasks.')
        throw new AppError('not_found', 'No task with this taskId.')
      }
      return presentTask(job, job.status === 'succeeded' ? deps.jobs.resultOutputs(job) : [])
    },
  })
}
