/** A failure the person at the terminal can fix; its message says how. Exits with status 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CommandError'
  }
}
