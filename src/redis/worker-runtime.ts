import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { BullRegistrar } from '@nestjs/bullmq';
import { AppConfig } from 'src/config/app-config';

// BullMQ workers are registered manually so that an `api` process holds queues (to add jobs) but runs no worker.
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap {
  private readonly logger = new Logger('Workers');

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    // BullRegistrar exists once a feature registers a queue (BullModule.registerQueue imports BullModule's core).
    let registrar: BullRegistrar;
    try {
      registrar = this.moduleRef.get(BullRegistrar, { strict: false });
    } catch {
      this.logger.log('No queues registered: no workers to start');
      return;
    }
    registrar.register();
    this.logger.log(`BullMQ workers started (role ${this.config.role})`);
  }
}
