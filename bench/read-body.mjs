// The body schema of PUT /v1/chats/readByAgent, as the bench's reference servers declare it.
export const readBody = {
  type: 'object',
  required: ['id', 'read'],
  properties: { id: { type: 'integer' }, read: { type: 'boolean' } },
}
