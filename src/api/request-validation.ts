import { AppError } from '../errors.js'
import type { z, ZodType } from 'zod'

/** `prompt: Too small…` → a 400 naming the first offending field. */
function zodToAppError(where: 'body' | 'query' | 'params', err: z.ZodError): AppError {
  const issue = err.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : where
  const message = issue ? describeIssue(issue) : 'is invalid'
  return new AppError('invalid_request', `\`${field}\` ${message}`, { field })
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${issue.minimum} characters` : issue.origin === 'array' ? `must have at least ${issue.minimum} items` : `must be at least ${issue.minimum}`
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : issue.origin === 'array' ? `must have at most ${issue.maximum} items` : `must be at most ${issue.maximum}`
    case 'invalid_value':
      if (issue.input === undefined) return 'is required'
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`
    case 'unrecognized_keys':
      return `has unknown field(s) ${issue.keys.join(', ')}`
    // Refinements and formats carry their own wording, written in our schemas.
    case 'custom':
    case 'invalid_element':
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
      return issue.message
  }
}

function article(t: string): string {
  return t === 'object' || t === 'array' || t === 'integer' ? `an ${t}` : `a ${t}`
}

/** The parsed value, or the 400 that names what is wrong with it. */
export function parseInput<T extends ZodType | undefined>(schema: T, value: unknown, where: 'body' | 'query' | 'params'): unknown {
  if (!schema) return undefined
  const r = schema.safeParse(value, { reportInput: true })
  if (!r.success) throw zodToAppError(where, r.error)
  return r.data
}
