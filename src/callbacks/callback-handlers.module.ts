import { Global, Module } from '@nestjs/common';
import { CallbackHandlers } from 'src/callbacks/callback-handlers';

// Global so any feature can inject CallbackHandlers and register itself, without importing the webhook's module
// (which depends on the call log, and the call log's reconciler depends on the handlers).
@Global()
@Module({ providers: [CallbackHandlers], exports: [CallbackHandlers] })
export class CallbackHandlersModule {}
