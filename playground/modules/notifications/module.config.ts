import { defineModule } from 'dskity'

export default defineModule({ dependsOn: ['orders'] })
