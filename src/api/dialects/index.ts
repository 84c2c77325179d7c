import { nativeDialect } from './native/index.js'
import { tasksDialect } from './tasks/index.js'
import { jobsDialect } from './jobs/index.js'
import { openDialect } from './open/index.js'
import { openaiDialect } from './openai/index.js'
import type { Dialect } from '../dialect.js'

/** Every API the server speaks. Order matters only for documentation. */
export const DIALECTS: Dialect[] = [nativeDialect, tasksDialect, jobsDialect, openDialect, openaiDialect]
