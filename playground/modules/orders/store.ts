import type { Storage } from 'unstorage'

export interface Order {
  id: string
  productId: string
  quantity: number
  totalCents: number
  currency: string
  createdAt: string
}

export const orderKey = (id: string) => `orders:${id}`

/** Every stored order, newest last. */
export async function listOrders(kv: Storage): Promise<Order[]> {
  const keys = await kv.getKeys('orders')
  const orders = await Promise.all(keys.map((k) => kv.getItem<Order>(k)))
  return orders.filter((o): o is Order => o !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}
