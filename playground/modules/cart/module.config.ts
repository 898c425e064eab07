import { defineModule } from 'dskity'
import { z } from 'zod'

export default defineModule({
  settings: z.object({
    /** How long an untouched cart lives, in seconds; every write restarts the clock. */
    ttlSeconds: z.number().positive().default(1800),
    /** Most distinct products in one cart. */
    maxLines: z.number().int().positive().default(20),
  }),
})
