import { defineModule } from 'dskity'
import { z } from 'zod'

export default defineModule({
  name: '__NAME__',
  settings: z.object({
    greeting: z.string().default('Hello from __NAME__'),
    maxItems: z.number().int().positive().default(100),
  }),
})
