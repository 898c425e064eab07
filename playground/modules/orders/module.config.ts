import { defineModule } from 'dskity'
import { z } from 'zod'

export default defineModule({
  dependsOn: ['catalog'],
  settings: z.object({
    /** Largest quantity per order line. */
    maxItems: z.number().int().positive().default(100),
    currency: z.string().default('EUR'),
  }),
})
