import { AppError } from '../../errors.js'

/**
 * For APIs whose error tables have no 415 (seeds 002 and 004): a body that is not JSON is a
 * 400 `invalid_request`, still naming `Content-Type`.
 */
export function withoutUnsupportedMediaType(err: AppError): AppError {
  if (err.code !== 'unsupported_media_type') return err
  return new AppError('invalid_request', 'The request body must be JSON, sent as `Content-Type: application/json`.', { field: err.field ?? 'Content-Type' })
}
