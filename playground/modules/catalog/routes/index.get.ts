import { defineEventHandler } from 'dskity'
import { PRODUCTS } from '../products'

/** GET /catalog — every product. */
export default defineEventHandler(() => ({ products: PRODUCTS }))
