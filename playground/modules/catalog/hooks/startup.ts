import { defineHook } from 'dskity'
import { PRODUCTS, productKey } from '../products'

/** Seeds the products into the KV store, where `orders` looks them up. */
export default defineHook(async ({ kv, logger }) => {
  for (const product of PRODUCTS) await kv.setItem(productKey(product.id), product)
  logger.info(`catalog seeded ${PRODUCTS.length} products`)
})
