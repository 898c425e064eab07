import { DskityError, ErrorCodes } from '../errors.ts'

/**
 * Orders nodes so that every node comes after its dependencies; ties are broken by name, so the
 * order is deterministic. A cycle throws `DSKITY_E_MODULE_CYCLE` naming every module in it.
 *
 * @example topoSort([{ name: 'orders', dependsOn: ['catalog'] }, { name: 'catalog', dependsOn: [] }]) // catalog, orders
 */
export function topoSort<T extends { name: string; dependsOn: string[] }>(nodes: T[]): T[] {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const state = new Map<string, 'visiting' | 'done'>()
  const out: T[] = []
  const visit = (node: T, trail: string[]) => {
    const s = state.get(node.name)
    if (s === 'done') return
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(node.name)), node.name]
      throw new DskityError(ErrorCodes.MODULE_CYCLE, `modules depend on each other in a cycle: ${cycle.join(' → ')}. Remove one of these \`dependsOn\` entries.`, { cycle: cycle.slice(0, -1) })
    }
    state.set(node.name, 'visiting')
    for (const dep of [...node.dependsOn].sort()) {
      const target = byName.get(dep)
      if (target) visit(target, [...trail, node.name])
    }
    state.set(node.name, 'done')
    out.push(node)
  }
  for (const node of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) visit(node, [])
  return out
}
