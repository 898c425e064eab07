// Public API of `dskity`: what module code imports. Re-exports only.
export { defineModule, defineHook, defineEventListener } from './runtime/define.ts'
export type { ModuleDefinition, InferModuleSettings, ModuleClients, HookFn, EventListenerFn, ListenerContext, DskityEventName, DskityEventPayload } from './runtime/define.ts'
export { defineDskityConfig } from './config/resolve.ts'
export type { DskityConfig, DskityOptions } from './config/schema.ts'
export { ProblemDetail, isProblemDetail } from './runtime/problem.ts'
export type { ProblemInit } from './runtime/problem.ts'
export { useClients, useModuleSettings } from './runtime/use.ts'
export { useRequestContext, currentRequestId } from './runtime/request-context.ts'
export { readBody } from './runtime/body.ts'
export { readValidatedBody } from './runtime/validated-body.ts'
export type { BodyValidator } from './runtime/validated-body.ts'
export { defineRequestHook, defineResponseHook, defineErrorHook } from './runtime/request-hooks.ts'
export type { TransportClients, Manifest, ManifestModule, ManifestRoute, ReadinessCheck } from './runtime/types.ts'
export type { DskityEvents, EventBus } from './clients/event-bus.ts'
export { DskityError, ErrorCodes, isDskityError } from './errors.ts'
// h3's handler helpers, so module code imports from 'dskity' alone. `readBody` above replaces h3's.
export {
  defineEventHandler,
  eventHandler,
  createError,
  getQuery,
  getValidatedQuery,
  getRouterParam,
  getRouterParams,
  getValidatedRouterParams,
  readRawBody,
  readMultipartFormData,
  getHeader,
  getHeaders,
  getRequestHeader,
  getRequestHeaders,
  getRequestURL,
  getMethod,
  setResponseHeader,
  setResponseHeaders,
  setResponseStatus,
  getResponseStatus,
  appendResponseHeader,
  appendResponseHeaders,
  getResponseHeader,
  getResponseHeaders,
  removeResponseHeader,
  getCookie,
  setCookie,
  deleteCookie,
  sendRedirect,
  sendNoContent,
  sendStream,
  send,
  isMethod,
  assertMethod,
} from 'h3'
export type { H3Event, EventHandler, EventHandlerRequest } from 'h3'
