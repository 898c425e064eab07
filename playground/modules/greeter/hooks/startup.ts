import { defineHook } from 'dskity'
import { GREETER_PROTO, GREETER_SERVICE, greeterService } from '../greeter'

/** Adds `playground.Greeter` to the shared gRPC server; the runtime binds it after every startup hook. */
export default defineHook(({ grpc, logger }) => {
  if (!grpc) {
    logger.info('gRPC is off (common.grpc.enabled=false): playground.Greeter is not served')
    return
  }
  grpc.addService(GREETER_PROTO, GREETER_SERVICE, greeterService)
  logger.info(`serving ${GREETER_SERVICE} from ${GREETER_PROTO}`)
})
