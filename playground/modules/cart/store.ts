import { ProblemDetail } from 'dskity'

/** One cart line. */
export interface CartLine {
  productId: string
  quantity: number
}

/** A user's cart as stored in the KV (`cart:<user>`). */
export interface Cart {
  user: string
  lines: CartLine[]
  /** When a line was last added; `null` for a cart that was never filled (or was emptied). */
  updatedAt: string | null
}

// A user id is one KV key segment: no `:` `/` `?` that unstorage would read as separators.
const USER = /^[\w.-]{1,64}$/

/** The KV key of `user`'s cart; a 422 problem when the id is not a plain token. */
export function cartKey(user: string | undefined): string {
  if (!user || !USER.test(user)) {
    throw new ProblemDetail({ status: 422, title: 'Invalid user', detail: 'user must be 1-64 letters, digits, `_`, `.` or `-`' })
  }
  return `cart:${user}`
}

/** An empty cart for `user`. */
export const emptyCart = (user: string): Cart => ({ user, lines: [], updatedAt: null })
