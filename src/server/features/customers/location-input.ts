import type { CreateCustomerBody } from '../../../contract/index.js'
import { Errors, type FieldProblem } from '../../errors.js'

const LOCATION_FIELDS = ['city', 'regionCode', 'countryCode'] as const

type WithLocation = Pick<CreateCustomerBody, 'location' | (typeof LOCATION_FIELDS)[number]>

/**
 * A customer body with its `location` object (the form a customer is answered in) taken as the
 * top-level `city`, `regionCode` and `countryCode` it stands for, so that a customer read with
 * `GET` and sent back with `PUT` keeps its location. `location: null` clears all three, as a
 * `null` field does. A field given both ways must be given the same: otherwise a 400 naming
 * `location.<field>` (after `prefix`, `[2].` for a batch's third item). Given `problems`, the
 * conflicts are added to it, for the caller to refuse with every other item's; else thrown.
 */
export function flattenLocation<T extends WithLocation>(
  body: T,
  prefix = '',
  collected?: FieldProblem[],
): Omit<T, 'location'> {
  const { location, ...rest } = body
  if (location === undefined) return rest
  const flat: Omit<T, 'location'> & Omit<WithLocation, 'location'> = rest
  const problems = collected ?? []
  for (const field of LOCATION_FIELDS) {
    const value = location === null ? null : location[field]
    if (value === undefined) continue
    if (flat[field] !== undefined && flat[field] !== value) {
      problems.push({
        field: `${prefix}location.${field}`,
        message: `This value differs from ${field}, which is given too.`,
      })
    }
    flat[field] = value
  }
  if (collected === undefined && problems.length > 0) throw Errors.validation(problems)
  return flat
}
