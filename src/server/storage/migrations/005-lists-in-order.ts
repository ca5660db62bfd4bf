/**
 * Lists read in their order straight from an index: the agents of a chat in the order they first
 * wrote (answering a chat used to look each agent up in the table and sort them in a temporary
 * B-tree, on every read), and an organization's team by id.
 */
export function listsInOrder(): string {
  return `
CREATE INDEX chat_agents_in_order ON chat_agents (chat_id, first_message_id, agent_id);
CREATE INDEX agents_organization ON agents (organization_id, id);
`
}
