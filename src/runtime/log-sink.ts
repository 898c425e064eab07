import { writeSync } from 'node:fs'

/**
 * A line sink for stdout that coalesces the records written during one event-loop turn into a single
 * `process.stdout.write` (one syscall instead of one per record: under load the access log alone
 * writes a record per request). Whatever is pending is written synchronously when the process
 * exits, so no record is lost on `process.exit()`.
 *
 * @example const write = createStdoutSink(); write('{"msg":"hi"}\n')
 */
export function createStdoutSink(): (line: string) => void {
  let pending = ''
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (!pending) return
    const out = pending
    pending = ''
    process.stdout.write(out)
  }
  process.once('exit', () => {
    if (!pending) return
    try {
      writeSync(1, pending)
    } catch {
      // stdout already closed: nothing left to report to.
    }
    pending = ''
  })
  return (line) => {
    pending += line
    if (pending.length > MAX_PENDING) return flush()
    if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
  }
}

// --- internal ---

/** Flush early past this many characters, so one busy turn cannot hold a huge string. */
const MAX_PENDING = 64 * 1024
