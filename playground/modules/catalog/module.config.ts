import { defineModule } from 'dskity'

export default defineModule({})
