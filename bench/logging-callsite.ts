// Cost of call-site capture per log record (json format, records written to a no-op sink).
// Run: node --import jiti/register bench/logging-callsite.ts
import { createLogger, withCallSite } from '../src/runtime/logger.ts'
import { requestContextStorage } from '../src/runtime/request-context.ts'

const N = 50_000
const sink = (_line: string) => {}
const SITE = { function: 'bench', line: 1 }

function measure(label: string, callSite: boolean, log: (i: number) => void): number {
  for (let i = 0; i < 5_000; i++) log(i) // warm-up
  const start = process.hrtime.bigint()
  for (let i = 0; i < N; i++) log(i)
  const ns = Number(process.hrtime.bigint() - start) / N
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(7)} ns/record  (callSite=${callSite})`)
  return ns
}

requestContextStorage.run({ requestId: 'bench-id', module: 'bench' }, () => {
  const rows: Array<[string, number, number]> = []
  for (const depth of [0, 10]) {
    const on = createLogger({ format: 'json', level: 'info', write: sink }).withTag('bench')
    const off = createLogger({ format: 'json', level: 'info', write: sink, callSite: 'off' }).withTag('bench')
    const nest = (n: number, fn: () => void): void => (n === 0 ? fn() : nest(n - 1, fn))
    const a = measure(`info, explicit site, stack depth +${depth}`, false, (i) => nest(depth, () => on.info('order placed', withCallSite({ i }, SITE))))
    const b = measure(`info, callSite: off, stack depth +${depth}`, false, (i) => nest(depth, () => off.info('order placed', { i })))
    const c = measure(`info, captured site, stack depth +${depth}`, true, (i) => nest(depth, () => on.info('order placed', { i })))
    rows.push([`depth +${depth}`, Math.min(a, b), c])
  }
  for (const [label, without, withCapture] of rows) {
    console.log(`${label}: capture adds ${(withCapture - without).toFixed(0)} ns/record (${(withCapture / without).toFixed(2)}x)`)
  }
})
