/** The catalog's seed data (kept beside the module; not a route). */
export interface Product {
  id: string
  name: string
  priceCents: number
  tags: string[]
}

export const PRODUCTS: Product[] = [
  { id: 'p1', name: 'Espresso beans', priceCents: 1450, tags: ['coffee', 'beans'] },
  { id: 'p2', name: 'Pour-over kettle', priceCents: 3900, tags: ['coffee', 'gear'] },
  { id: 'p3', name: 'Green tea', priceCents: 890, tags: ['tea'] },
]

export const productKey = (id: string) => `catalog:product:${id}`
