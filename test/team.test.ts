import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Agent, Application, Department, Organization } from '../src/contract/index.js'
import type { Fixture } from '../src/server/fixtures/fixture.schema.js'
import {
  ACME_KEY,
  ACME_SECOND_KEY,
  GLOBEX_KEY,
  T0,
  acmeOrganization,
  globexOrganization,
} from './helpers/fixtures.js'
import { startServer, type TestServer } from './helpers/server.js'
import { HANK, INVALID, MIKE, SARAH, UNAUTHORIZED } from './helpers/wire.js'

/**
 * acme: agents Sarah (1) and Mike (2); departments Support (10: Sarah) and Sales (11: Mike, then
 * Sarah); applications Website (1) and an inactive Telegram bot (5). globex: Hank, its own
 * department and application, team offline and chat disabled.
 */
function teamFixture(): Fixture {
  const acme = acmeOrganization()
  acme.departments!.push({ id: 11, name: 'Sales', agents: ['mike@acme.test', 'sarah@acme.test'] })
  acme.applications!.push({
    id: 5,
    name: 'Telegram',
    displayName: 'Telegram bot',
    type: 'telegram',
    active: false,
  })
  const globex = { ...globexOrganization(), teamOnline: false, chatEnabled: false }
  return { organizations: [acme, globex] }
}

let server: TestServer
beforeEach(async () => {
  server = await startServer({ fixture: teamFixture(), now: () => T0 })
})
afterEach(() => server.close())

const get = (path: string, key: string | null = ACME_KEY) => server.request('GET', path, { key })

/** The 401 and paging-parameter 400 checks every team list shares. */
function listErrors(path: string) {
  it.each([
    ['no key', null],
    ['an unknown key', 'not-a-key'],
  ])('answers %s with 401', async (_name, key) => {
    const res = await get(path, key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it.each([
    ['limit=0', 'limit', 'This value should be greater than or equal to 1.'],
    ['limit=ten', 'limit', 'This value should be of type int.'],
    ['limit=1.5', 'limit', 'This value should be of type int.'],
    ['limit=true', 'limit', 'This value should be of type int.'],
    ['offset=-1', 'offset', 'This value should be greater than or equal to 0.'],
    ['offset=x', 'offset', 'This value should be of type int.'],
  ])('answers %s with a 400 naming the parameter', async (query, code, message) => {
    const res = await get(`${path}?${query}`)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ errors: [INVALID, { code, message }] })
  })

  it('answers an offset beyond any integer the database takes with a 400, not a 500', async () => {
    const res = await get(`${path}?offset=99999999999999999999`)
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toEqual(INVALID)
    expect(res.body.errors[1].code).toBe('offset')
  })
}

describe('GET /v1/agents', () => {
  listErrors('/v1/agents')

  it('lists every agent of the organization by id, with meta.total', async () => {
    const res = await get('/v1/agents')
    expect(res.status).toBe(200)
    expect(res.text).toBe(JSON.stringify({ data: [SARAH, MIKE], meta: { total: 2 } }))
    expect(Object.keys(res.body.data[0])).toEqual(Object.keys(Agent.properties))
  })

  it('pages with limit and offset, the total staying the whole count', async () => {
    expect((await get('/v1/agents?limit=1')).body).toEqual({ data: [SARAH], meta: { total: 2 } })
    expect((await get('/v1/agents?limit=1&offset=1')).body).toEqual({
      data: [MIKE],
      meta: { total: 2 },
    })
    expect((await get('/v1/agents?offset=2')).body).toEqual({ data: [], meta: { total: 2 } })
    expect((await get('/v1/agents?limit=1000')).body.data).toEqual([SARAH, MIKE])
  })

  it('shows each organization only its own team', async () => {
    expect((await get('/v1/agents', ACME_SECOND_KEY)).body.data).toEqual([SARAH, MIKE])
    expect((await get('/v1/agents', GLOBEX_KEY)).body).toEqual({ data: [HANK], meta: { total: 1 } })
  })
})

describe('GET /v1/departments', () => {
  listErrors('/v1/departments')

  it('lists departments by id, each with its agents in full, with meta.total', async () => {
    const res = await get('/v1/departments')
    expect(res.status).toBe(200)
    expect(res.text).toBe(
      JSON.stringify({
        data: [
          { id: 10, name: 'Support', agents: [SARAH] },
          { id: 11, name: 'Sales', agents: [MIKE, SARAH] },
        ],
        meta: { total: 2 },
      }),
    )
    expect(Object.keys(res.body.data[0])).toEqual(Object.keys(Department.properties))
    expect(Object.keys(res.body.data[1].agents[0])).toEqual(['id', 'name', 'email', 'role'])
  })

  it('pages with limit and offset, the total staying the whole count', async () => {
    const second = await get('/v1/departments?limit=1&offset=1')
    expect(second.body).toEqual({
      data: [{ id: 11, name: 'Sales', agents: [MIKE, SARAH] }],
      meta: { total: 2 },
    })
    const first = await get('/v1/departments?limit=1')
    expect(first.body.data.map((d: any) => d.id)).toEqual([10])
    expect((await get('/v1/departments?offset=5')).body).toEqual({ data: [], meta: { total: 2 } })
  })

  it('shows each organization only its own departments and agents', async () => {
    const theirs = await get('/v1/departments', GLOBEX_KEY)
    expect(theirs.body).toEqual({
      data: [{ id: 20, name: 'Globex support', agents: [HANK] }],
      meta: { total: 1 },
    })
  })
})

describe('GET /v1/applications', () => {
  listErrors('/v1/applications')

  it('lists applications by id as {id,name,displayName,type,active}, with meta.total', async () => {
    const res = await get('/v1/applications')
    expect(res.status).toBe(200)
    expect(res.text).toBe(
      JSON.stringify({
        data: [
          { id: 1, name: 'Website', displayName: 'Website', type: 'widget', active: true },
          { id: 5, name: 'Telegram', displayName: 'Telegram bot', type: 'telegram', active: false },
        ],
        meta: { total: 2 },
      }),
    )
    expect(Object.keys(res.body.data[0])).toEqual(Object.keys(Application.properties))
  })

  it('pages with limit and offset, the total staying the whole count', async () => {
    const second = await get('/v1/applications?offset=1&limit=1')
    expect(second.body.data.map((a: any) => a.id)).toEqual([5])
    expect(second.body.meta).toEqual({ total: 2 })
    expect((await get('/v1/applications?limit=1')).body.data.map((a: any) => a.id)).toEqual([1])
  })

  it('shows each organization only its own applications', async () => {
    const theirs = await get('/v1/applications', GLOBEX_KEY)
    expect(theirs.body).toEqual({
      data: [
        { id: 2, name: 'Globex site', displayName: 'Globex site', type: 'widget', active: true },
      ],
      meta: { total: 1 },
    })
  })
})

describe('GET /v1/organization', () => {
  it.each([
    ['no key', null],
    ['an unknown key', 'not-a-key'],
  ])('answers %s with 401', async (_name, key) => {
    const res = await get('/v1/organization', key)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it("answers the key's organization wrapped in data, in the documented order", async () => {
    const res = await get('/v1/organization')
    expect(res.status).toBe(200)
    expect(res.text).toBe('{"data":{"id":1,"domain":"acme","teamOnline":true,"chatEnabled":true}}')
    expect(Object.keys(res.body.data)).toEqual(Object.keys(Organization.properties))
  })

  it('answers the same organization for every key of it', async () => {
    const res = await get('/v1/organization', ACME_SECOND_KEY)
    expect(res.body).toEqual({
      data: { id: 1, domain: 'acme', teamOnline: true, chatEnabled: true },
    })
  })

  it("answers the other organization's key with that organization and its switchers", async () => {
    const res = await get('/v1/organization', GLOBEX_KEY)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      data: { id: 2, domain: 'globex', teamOnline: false, chatEnabled: false },
    })
  })
})

describe('GET /v1/agents/{id}/unsubscribe', () => {
  const subscribed = async (id: number) =>
    (await server.db.get<{ n: number }>(
      'SELECT newsletter_subscribed AS n FROM agents WHERE id = ?',
      [id],
    ))!.n

  it('answers a missing or unknown key with 401 and unsubscribes nobody', async () => {
    for (const key of [null, 'not-a-key']) {
      expect((await get('/v1/agents/1/unsubscribe', key)).body).toEqual(UNAUTHORIZED)
    }
    expect(await subscribed(1)).toBe(1)
  })

  it('answers an id that is not a number with a 400', async () => {
    const res = await get('/v1/agents/sarah/unsubscribe')
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      INVALID,
      { code: 'agentId', message: 'This value should be of type numeric.' },
    ])
  })

  it("answers an unknown agent, or another organization's, with 404 Agent not found", async () => {
    for (const id of [999, 3]) {
      const res = await get(`/v1/agents/${id}/unsubscribe`)
      expect(res.status).toBe(404)
      expect(res.body.errors).toEqual([INVALID, { code: 'not_found', message: 'Agent not found' }])
    }
    expect(await subscribed(3)).toBe(1)
  })

  it('unsubscribes the agent from newsletters and answers "Ok", again and again', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get('/v1/agents/2/unsubscribe')
      expect(res.status).toBe(200)
      expect(res.text).toBe('"Ok"')
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    }
    expect(await subscribed(2)).toBe(0)
    expect(await subscribed(1)).toBe(1)
  })
})
