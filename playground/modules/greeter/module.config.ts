import { defineModule } from 'dskity'

// Serves `playground.Greeter` (greeter.proto) on the shared gRPC server when `common.grpc.enabled`
// (profile `profiles/grpc.yaml`); without it, the module starts and its route answers 503.
export default defineModule({})
