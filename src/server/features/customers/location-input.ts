import type { CreateCustomerBody } from '../../../contract/index.js'
import { Errors, type FieldProblem } from '../../errors.js'

const LOCATION_FIELDS = ['city', 'regionCode', 'countryCode'] as const

type WithLocation = Pick<CreateCustomerBody, 'location' | (typeof LOCATION_FIELDS)[number]>

/**
 * A customer body with its `location` object (the form a customer is answered in) taken as the
 * top-level `city`, `regionCode` and `countryCode` it stands for, so that a customer read with
 * `GET` and sent back with `PUT` keeps its location. `location: null` clears all three, as a
 * `null` field does. A field given both ways must be given the same: otherwise a 400 naming
 * `location.<field>`.
 */
export function flattenLocation<T extends WithLocation>(body: T): Omit<T, 'location'> {
  return flattenLocations([body], () => '')[0]!
}

/**
 * `flattenLocation` for each item of a batch; one 400 names every conflict of every item, each
 * after its item's place (`[2].location.city` for the third).
 */
export function flattenLocations<T extends WithLocation>(
  items: readonly T[],
  place: (index: number) => string = (index) => `[${index}].`,
): Array<Omit<T, 'location'>> {
  const problems: FieldProblem[] = []
  const flat = items.map((item, index) => flatten(item, place(index), problems))
  if (problems.length > 0) throw Errors.validation(problems)
  return flat
}

/** One body flattened; its conflicts are added to `problems`. */
function flatten<T extends WithLocation>(
  body: T,
  prefix: string,
  problems: FieldProblem[],
): Omit<T, 'location'> {
  const { location, ...rest } = body
  if (location === undefined) return rest
  const flat: Omit<T, 'location'> & Omit<WithLocation, 'location'> = rest
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
  return flat
}
