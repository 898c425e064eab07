import { defineEventHandler, getRouterParam } from 'dskity'
import { PRODUCTS } from '../../products'

/** GET /catalog/search/<tag>/<tag>… — products having every tag (catch-all route). */
export default defineEventHandler((event) => {
  const terms = (getRouterParam(event, 'terms') ?? '').split('/').filter(Boolean)
  return { terms, products: PRODUCTS.filter((p) => terms.every((t) => p.tags.includes(t))) }
})
