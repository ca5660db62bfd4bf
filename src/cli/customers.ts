import type { Command } from 'commander'
import type { Agent, Application, Customer, Department, HelpCrunchClient } from '../client/index.js'
import {
  apiCommand,
  fields,
  listed,
  rows,
  runApi,
  wholeNumber,
  listOptions,
  paging,
  type ApiOptions,
  type Column,
  type ListFlags,
} from './context.js'
import { FILTER_HELP, parseFilter } from './filter.js'

const CUSTOMER_COLUMNS: readonly Column<Customer>[] = [
  ['ID', (customer) => customer.id],
  ['NAME', (customer) => customer.name],
  ['EMAIL', (customer) => customer.email],
  ['USER ID', (customer) => customer.userId],
  ['COMPANY', (customer) => customer.company],
  ['TAGS', (customer) => customer.tags.map((tag) => tag.name).join(', ')],
]

const CUSTOMER_FIELDS: readonly Column<Customer>[] = [
  ...CUSTOMER_COLUMNS,
  ['PHONE', (customer) => customer.phone],
  [
    'LOCATION',
    (customer) =>
      [customer.location.city, customer.location.countryCode].filter(Boolean).join(', '),
  ],
  ['CUSTOM DATA', (customer) => customer.customData],
  ['NOTES', (customer) => customer.notes],
]

export function registerCustomerCommands(program: Command): void {
  const customers = program
    .command('customers')
    .description('Read and change customers through the API')

  apiCommand(listOptions(customers.command('list').description('List customers'), false)).action(
    (flags: ListFlags) =>
      runApi(
        flags,
        (client) => client.customers.list(paging(flags)),
        (list) =>
          `${rows(list.data, CUSTOMER_COLUMNS)}\n${list.data.length} of ${list.total} customers`,
      ),
  )

  apiCommand(
    customers.command('get').description('Show one customer').argument('<id>', 'customer id'),
  ).action((id: string, flags: ApiOptions) =>
    runApi(
      flags,
      (client) => client.customers.get(wholeNumber('id', id, 1)),
      (customer) => fields(customer, CUSTOMER_FIELDS),
    ),
  )

  apiCommand(
    listOptions(
      customers
        .command('search')
        .description('Find customers: --filter email~@acme.com (all must hold)')
        .option('--filter <expression...>', FILTER_HELP),
      false,
    ),
  ).action((flags: ListFlags & { filter?: string[] }) =>
    runApi(
      flags,
      (client) =>
        client.customers.search({
          filter: (flags.filter ?? []).map(parseFilter),
          ...paging(flags),
        }),
      (list) => listed(list, CUSTOMER_COLUMNS, 'customers'),
    ),
  )

  apiCommand(
    customers
      .command('create')
      .description('Create a customer')
      .option('--name <name>')
      .option('--email <email>')
      .option('--user-id <id>', "your system's id for the customer")
      .option('--company <company>')
      .option('--phone <phone>'),
  ).action(
    (
      flags: ApiOptions & {
        name?: string
        email?: string
        userId?: string
        company?: string
        phone?: string
      },
    ) =>
      runApi(
        flags,
        (client) =>
          client.customers.create({
            ...(flags.name === undefined ? {} : { name: flags.name }),
            ...(flags.email === undefined ? {} : { email: flags.email }),
            ...(flags.userId === undefined ? {} : { userId: flags.userId }),
            ...(flags.company === undefined ? {} : { company: flags.company }),
            ...(flags.phone === undefined ? {} : { phone: flags.phone }),
          }),
        (customer) => `Created customer ${customer.id}.`,
      ),
  )

  // Each command is named as the client's call it makes.
  const tagChanges = [
    ['tag', 'Put tags on a customer (a tag it lacks is created)'],
    ['untag', 'Take tags off a customer'],
  ] as const
  for (const [name, description] of tagChanges) {
    apiCommand(
      customers
        .command(name)
        .description(description)
        .argument('<id>', 'customer id')
        .argument('<tags...>', 'tag names'),
    ).action((id: string, names: string[], flags: ApiOptions) =>
      runApi(
        flags,
        (client) =>
          client.customers[name](
            wholeNumber('id', id, 1),
            names.map((tag) => ({ name: tag })),
          ),
        (customer) => {
          const tags = customer.tags.map((tag) => tag.name)
          return `Customer ${customer.id} has ${tags.length === 0 ? 'no tags' : `the tags ${tags.join(', ')}`}.`
        },
      ),
    )
  }

  apiCommand(
    customers
      .command('delete')
      .description('Delete a customer and their chats')
      .argument('<id>', 'customer id'),
  ).action((id: string, flags: ApiOptions) =>
    runApi(
      flags,
      (client) => client.customers.delete(wholeNumber('id', id, 1)),
      () => `Deleted customer ${id}.`,
    ),
  )
}

/** `agents`, `departments` and `applications`: lists only, as the API has them. */
export function registerTeamCommands(program: Command): void {
  const agentColumns: readonly Column<Agent>[] = [
    ['ID', (agent) => agent.id],
    ['NAME', (agent) => agent.name],
    ['EMAIL', (agent) => agent.email],
    ['ROLE', (agent) => agent.role],
  ]
  const departmentColumns: readonly Column<Department>[] = [
    ['ID', (department) => department.id],
    ['NAME', (department) => department.name],
  ]
  const applicationColumns: readonly Column<Application>[] = [
    ['ID', (application) => application.id],
    ['NAME', (application) => application.name],
    ['TYPE', (application) => application.type],
  ]
  listCommand(program, 'agents', (client) => client.agents.all(), agentColumns)
  listCommand(program, 'departments', (client) => client.departments.all(), departmentColumns)
  listCommand(program, 'applications', (client) => client.applications.all(), applicationColumns)
}

/**
 * A command that lists every one of a kind of thing, across pages, as a table (`opencrunch
 * agents`); `--json` prints them in the API's own list shape, `{data, meta: {total}}`.
 */
function listCommand<T>(
  program: Command,
  name: string,
  all: (client: HelpCrunchClient) => AsyncIterable<T>,
  columns: readonly Column<T>[],
): void {
  apiCommand(program.command(name).description(`List the ${name} (through the API)`)).action(
    (flags: ApiOptions) =>
      runApi(
        flags,
        async (client) => {
          const data = await collect(all(client))
          return { data, meta: { total: data.length } }
        },
        (list) => rows(list.data, columns),
      ),
  )
}

/** Every item of an iteration, in order (`Array.fromAsync` from Node 22 on). */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}
