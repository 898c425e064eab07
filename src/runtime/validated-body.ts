import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { H3Event } from 'h3'
import { readBody } from './body.ts'
import { ProblemDetail } from './problem.ts'

/** A Standard Schema (zod, valibot, arktype…) or an h3-style validator function. */
export type BodyValidator<T> = StandardSchemaV1<unknown, T> | ((data: unknown) => T | Promise<T>)

/**
 * Reads the body with dskity's `readBody` (strict JSON, size limit) and validates it. A body that
 * does not match answers `422` problem+json with an `issues` member listing `{ path, message }` —
 * the handler only ever sees valid, typed data.
 *
 * @example
 * const order = await readValidatedBody(event, z.object({ productId: z.string(), quantity: z.number().int().positive() }))
 */
export async function readValidatedBody<T>(event: H3Event, validator: BodyValidator<T>): Promise<T> {
  const body = await readBody(event)
  if (typeof validator === 'function') {
    try {
      const result = await validator(body)
      if (result === false) throw new Error('the body was rejected by the validator')
      return (result === true ? body : result) as T
    } catch (error) {
      throw invalid([{ path: '', message: (error as Error)?.message ?? String(error) }])
    }
  }
  const result = await validator['~standard'].validate(body)
  if (result.issues) {
    throw invalid(result.issues.map((issue) => ({ path: (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.'), message: issue.message })))
  }
  return result.value
}

// --- internal ---

function invalid(issues: Array<{ path: string; message: string }>): ProblemDetail {
  const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return new ProblemDetail({ status: 422, title: 'Invalid request body', detail, issues })
}
