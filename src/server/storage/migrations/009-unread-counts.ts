import type { Dialect } from '../db.js'

/**
 * Unread chats counted as they change, on SQLite, so that `GET /v1/chats/unreadTotals` reads a
 * few rows instead of every unread chat. Counting them on request took 369 ms on a million chats
 * with 40% unread by the customer side, and on SQLite the server answers nothing else meanwhile.
 *
 * `unread_chat_counts` holds, per organization, side and (assignee, department, application),
 * how many chats that side has unread; 0 stands for none, since a key column cannot be null.
 * Triggers keep it in the statement that changes what it counts, whatever runs that statement:
 *
 * - a side's flag changing (a mark, a message, a snooze ending) moves its chat in or out: one
 *   trigger a side, so that a mark, which changes one side, runs one statement more;
 * - a read state inserted unread (a new chat) counts it;
 * - a chat's assignee, department or application changing, by a request or by the deletion of
 *   one of them, moves its unread sides from one group to the other;
 * - a chat deleted uncounts it before its read state goes, since the read state's own trigger,
 *   which runs after the chat is gone when the deletion cascades, can no longer tell its groups.
 *   Rows of a deleted organization are left at 0, since no foreign key orders their deletion
 *   after its chats';
 * - a read state deleted on its own (by hand: opencrunch never does) uncounts it.
 *
 * A group's row stays when it falls to 0, so an organization has one row a side for each
 * assignee, department and application its chats have had together: bounded by the team, not by
 * the chats. Groups are those of `chats.organization_id`, which `chat_read_states` copies when
 * the chat is made and which nothing changes.
 *
 * PostgreSQL keeps no counts: there transactions run side by side, and the marks of one side and
 * group (every unassigned chat, say) would each wait on the same counter row until the one before
 * it committed. There the database counts on request, and the server keeps answering.
 */
export function unreadCounts(dialect: Dialect): string {
  if (!dialect.singleWriter) return ''
  const key = 'organization_id, side, assignee_id, department_id, application_id'
  /** Adds `delta` to the group of chat row `c` for `side`, from the rows `from` and `where` pick. */
  const add = (side: string, delta: string, from: string, where: string, c = 'c') => `
  INSERT INTO unread_chat_counts (${key}, chats)
  SELECT ${c}.organization_id, '${side}', COALESCE(${c}.assignee_id, 0),
    COALESCE(${c}.department_id, 0), COALESCE(${c}.application_id, 0), ${delta}
  FROM ${from} WHERE ${where}
  ON CONFLICT (${key}) DO UPDATE SET chats = chats + excluded.chats;`
  const perSide = (make: (side: string, flag: string) => string) =>
    make('agent', 'read_by_agent') + make('customer', 'read_by_customer')
  return `
CREATE TABLE unread_chat_counts (
  organization_id INTEGER NOT NULL,
  side TEXT NOT NULL,
  assignee_id INTEGER NOT NULL,
  department_id INTEGER NOT NULL,
  application_id INTEGER NOT NULL,
  chats INTEGER NOT NULL,
  PRIMARY KEY (${key})
) WITHOUT ROWID;

${perSide((side, flag) =>
  add(
    side,
    'count(*)',
    'chat_read_states r JOIN chats c ON c.id = r.chat_id',
    `r.${flag} = 0 GROUP BY 1, 2, 3, 4, 5`,
  ),
)}

${perSide(
  (side, flag) => `
CREATE TRIGGER unread_counts_${side}_flag AFTER UPDATE OF ${flag} ON chat_read_states FOR EACH ROW
WHEN NEW.${flag} <> OLD.${flag}
BEGIN${add(side, `OLD.${flag} - NEW.${flag}`, 'chats c', 'c.id = NEW.chat_id')}
END;
`,
)}
CREATE TRIGGER unread_counts_new AFTER INSERT ON chat_read_states FOR EACH ROW
WHEN NEW.read_by_agent = 0 OR NEW.read_by_customer = 0
BEGIN${perSide((side, flag) => add(side, '1', 'chats c', `c.id = NEW.chat_id AND NEW.${flag} = 0`))}
END;

CREATE TRIGGER unread_counts_regroup
AFTER UPDATE OF organization_id, assignee_id, department_id, application_id ON chats FOR EACH ROW
WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.assignee_id IS NOT NEW.assignee_id
  OR OLD.department_id IS NOT NEW.department_id OR OLD.application_id IS NOT NEW.application_id
BEGIN${perSide(
    (side, flag) =>
      add(side, '-1', 'chat_read_states r', `r.chat_id = OLD.id AND r.${flag} = 0`, 'OLD') +
      add(side, '1', 'chat_read_states r', `r.chat_id = NEW.id AND r.${flag} = 0`, 'NEW'),
  )}
END;

CREATE TRIGGER unread_counts_chat_gone BEFORE DELETE ON chats FOR EACH ROW
BEGIN${perSide((side, flag) =>
    add(side, '-1', 'chat_read_states r', `r.chat_id = OLD.id AND r.${flag} = 0`, 'OLD'),
  )}
END;

CREATE TRIGGER unread_counts_state_gone AFTER DELETE ON chat_read_states FOR EACH ROW
WHEN OLD.read_by_agent = 0 OR OLD.read_by_customer = 0
BEGIN${perSide((side, flag) => add(side, '-1', 'chats c', `c.id = OLD.chat_id AND OLD.${flag} = 0`))}
END;
`
}
