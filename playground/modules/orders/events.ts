// Typed events: augmenting DskityEvents types `emit('order.created', …)` and its listeners.
export interface OrderCreated {
  id: string
  productId: string
  quantity: number
  totalCents: number
}

declare module 'dskity' {
  interface DskityEvents {
    'order.created': OrderCreated
  }
}
