export type { Logger } from './logger.ts'
export { createEventBus } from './event-bus.ts'
export type {
  DskityEvents,
  EventBus,
  EventBusOptions,
  EventListener,
  EventName,
  EventPayload,
  ListenerErrorInfo,
  ListenerMeta,
} from './event-bus.ts'
export { createHttpClient } from './http-client.ts'
export type { HttpClient, HttpClientContext, HttpClientOptions } from './http-client.ts'
export { createMqttClient } from './mqtt.ts'
export type { MqttClient, MqttHandler, MqttJsonHandler, MqttOptions, MqttPublishOptions } from './mqtt.ts'
export { assertPublishTopic, compileTopicFilter, topicMatches } from './mqtt-topic.ts'
export type { TopicMatcher } from './mqtt-topic.ts'
export { createGrpcClients } from './grpc.ts'
export type { GrpcClients, GrpcOptions, ProtoLoadOptions } from './grpc.ts'
