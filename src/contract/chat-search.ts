import Type, { type Static } from 'typebox'

/**
 * A search body, shared by `POST /v1/chats/search` and `POST /v1/customers/search`: filters of
 * `{field, operator, value}` combined with `comparison`, then sorted and paged. Which fields and
 * operators exist, and what type each value must have, is checked per resource by the server.
 */

/** A count sent in a body: an integer, or the same integer as a numeric string. */
const Count = (minimum: 0 | 1, description: string) =>
  Type.Optional(
    Type.Union(
      [
        Type.Integer({ minimum, maximum: 2_147_483_647 }),
        Type.String({ pattern: minimum === 1 ? '^[1-9][0-9]{0,8}$' : '^[0-9]{1,9}$' }),
      ],
      { 'x-expected': 'int', description },
    ),
  )

export const SearchFilter = Type.Object({
  field: Type.String({ minLength: 1, description: 'e.g. `chats.status`; the prefix is optional' }),
  operator: Type.String({ minLength: 1, description: '`=` `!=` `>` `<` `>=` `<=` `~` `!~`' }),
  value: Type.Unknown({ description: 'Typed as the field is' }),
})
export type SearchFilter = Static<typeof SearchFilter>

export const SearchBody = Type.Object({
  filter: Type.Optional(
    Type.Array(SearchFilter, { maxItems: 50, description: 'An empty list matches everything' }),
  ),
  comparison: Type.Optional(Type.String({ description: '`AND` (default) or `OR`, any case' })),
  limit: Count(1, 'Items to return; default 100, capped at 100'),
  offset: Count(0, 'Items to skip; default 0'),
  sort: Type.Optional(Type.String({ description: 'Field to sort by, with or without its prefix' })),
  order: Type.Optional(Type.String({ description: '`asc` or `desc`, in any case' })),
})
export type SearchBody = Static<typeof SearchBody>
