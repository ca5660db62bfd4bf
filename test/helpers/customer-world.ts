import type { Fixture } from '../../src/server/fixtures/fixture.schema.js'
import { T0_SECONDS, acmeOrganization, globexOrganization } from './fixtures.js'

/**
 * A world for the tests of the customer writes: acme's Alice (100) with every field set, as a
 * client sends it and as the wire answers it.
 */

export const DEVICE = {
  id: 7,
  ip: '203.0.113.5',
  timezone: 'Europe/Lisbon',
  platform: 'desktop',
  userAgent: 'Firefox',
}

/** Alice with every field set, as the wire shows her. */
export const ALICE = {
  id: 100,
  name: 'Alice',
  email: 'alice@example.com',
  userId: 'alice-1',
  company: 'Acme',
  phone: '+1 555 0100',
  firstSeen: String(T0_SECONDS - 300),
  lastSeen: String(T0_SECONDS - 10),
  location: { regionCode: '11', countryCode: 'PT', city: 'Lisbon' },
  device: DEVICE,
  unsubscribed: true,
  blocked: true,
  source: 'https://acme.test/',
  referer: 'https://search.test/',
  lastPage: 'https://acme.test/pricing',
  locale: 'pt',
  createdFrom: 'telegram',
  integrationId: '465847687',
  notes: 'VIP',
  tags: [
    { name: 'Autonomy', color: '#c377e0' },
    { name: 'Lead', color: '#c57de0' },
  ],
  customData: { plan: 'pro', seats: 12 },
}

/** Alice after a PUT that mentions nothing: only her id and device are left. */
export const CLEARED = {
  id: 100,
  name: null,
  email: null,
  userId: null,
  company: null,
  phone: null,
  firstSeen: null,
  lastSeen: null,
  location: { regionCode: null, countryCode: null, city: null },
  device: DEVICE,
  unsubscribed: false,
  blocked: false,
  source: null,
  referer: null,
  lastPage: null,
  locale: null,
  createdFrom: null,
  integrationId: null,
  notes: null,
  tags: [],
  customData: {},
}

/** Alice's fields as a client sends them. */
export const ALICE_BODY = {
  name: 'Alice',
  email: 'alice@example.com',
  userId: 'alice-1',
  company: 'Acme',
  phone: '+1 555 0100',
  firstSeen: T0_SECONDS - 300,
  lastSeen: T0_SECONDS - 10,
  city: 'Lisbon',
  regionCode: '11',
  countryCode: 'PT',
  unsubscribed: true,
  blocked: true,
  source: 'https://acme.test/',
  referer: 'https://search.test/',
  lastPage: 'https://acme.test/pricing',
  locale: 'pt',
  createdFrom: 'telegram',
  integrationId: '465847687',
  notes: 'VIP',
  tags: [{ name: 'Autonomy' }, { name: 'Lead', color: '#c57de0' }],
  customData: { plan: 'pro', seats: 12 },
}

/** acme with Alice (100, every field set) and Bob (101); globex with Marge (200). */
export function customerWorld(): Fixture {
  const acme = acmeOrganization()
  acme.customers![0] = { id: 100, ...ALICE_BODY, device: DEVICE }
  return { organizations: [acme, globexOrganization()] }
}
