import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { recordingAceAnswer } from './callout-recording';

// Answers the ACE of a recorded tts or conference callout with startRecording (see callout-recording.ts).
@Injectable()
export class CalloutRecordingHandler implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(private readonly handlers: CallbackHandlers) {}

  onModuleInit(): void {
    this.unregister = this.handlers.register({
      name: 'callouts.recording',
      ace: (_event, ctx) => recordingAceAnswer(ctx.custom?.extra),
    });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
