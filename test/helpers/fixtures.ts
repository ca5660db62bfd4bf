import type { Fixture } from '../../src/server/fixtures/fixture.schema.js'

export const ACME_KEY = 'acme-test-key-1'
export const ACME_SECOND_KEY = 'acme-test-key-2'
export const GLOBEX_KEY = 'globex-test-key-1'

/** A fixed clock: 2026-11-01T00:00:00Z, in epoch milliseconds. */
export const T0 = 1_793_491_200_000
export const T0_SECONDS = T0 / 1000

/**
 * The world most tests run in. Its ids match the ones real clients use in
 * `../shared/real-client-traces/` (chats 1-3, customer 100, agent 1, department 10,
 * application 1), so the trace replay runs against it unchanged.
 *
 * acme:
 * - chat 1: Alice (100), a customer message then Sarah's reply; read on both sides' terms.
 * - chat 2: Alice, assigned to Sarah in Support, one customer message waiting (agent side unread).
 * - chat 3: Bob (101), created through the API, empty.
 */
export function acmeOrganization(): Fixture['organizations'][number] {
  const t = (offset: number) => T0_SECONDS - 3600 + offset
  return {
    id: 1,
    domain: 'acme',
    apiKeys: [ACME_KEY, ACME_SECOND_KEY],
    applications: [{ id: 1, name: 'Website', type: 'widget' }],
    agents: [
      { id: 1, name: 'Sarah', email: 'sarah@acme.test', role: 'admin' },
      { id: 2, name: 'Mike', email: 'mike@acme.test', role: 'agent' },
    ],
    departments: [{ id: 10, name: 'Support', agents: ['sarah@acme.test'] }],
    customers: [
      {
        id: 100,
        name: 'Alice',
        email: 'alice@example.com',
        userId: 'alice-1',
        tags: [{ name: 'Autonomy' }],
      },
      { id: 101, name: 'Bob', email: 'bob@example.com', userId: 'bob-1' },
    ],
    chats: [
      {
        id: 1,
        customer: 100,
        createdAt: t(0),
        messages: [
          { from: 'customer', text: 'Hi there', createdAt: t(0) },
          { from: 'agent', agent: 'sarah@acme.test', text: 'Hello Alice', createdAt: t(60) },
        ],
      },
      {
        id: 2,
        customer: 100,
        assignee: 'sarah@acme.test',
        department: 'Support',
        createdAt: t(100),
        messages: [{ from: 'customer', text: 'Where is my order?', createdAt: t(100) }],
      },
      { id: 3, customer: 101, createdAt: t(200), createdWith: 'public_api' },
    ],
  }
}

/** A second tenant: nothing of it may be visible to acme's keys, nor the other way round. */
export function globexOrganization(): Fixture['organizations'][number] {
  return {
    id: 2,
    domain: 'globex',
    apiKeys: [GLOBEX_KEY],
    applications: [{ id: 2, name: 'Globex site', type: 'widget' }],
    agents: [{ id: 3, name: 'Hank', email: 'hank@globex.test', role: 'admin' }],
    departments: [{ id: 20, name: 'Globex support', agents: ['hank@globex.test'] }],
    customers: [{ id: 200, name: 'Marge', email: 'marge@example.com', userId: 'marge-1' }],
    chats: [
      {
        id: 50,
        customer: 200,
        createdAt: T0_SECONDS - 7200,
        messages: [{ from: 'customer', text: 'Globex secret', createdAt: T0_SECONDS - 7200 }],
      },
    ],
  }
}

/** acme alone. */
export function acmeFixture(): Fixture {
  return { organizations: [acmeOrganization()] }
}

/** acme and globex. */
export function twoTenantFixture(): Fixture {
  return { organizations: [acmeOrganization(), globexOrganization()] }
}
