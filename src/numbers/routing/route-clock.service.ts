import { Injectable } from '@nestjs/common';

// The time business hours are evaluated at. A provider of its own so tests can move it (no sleeps).
@Injectable()
export class RouteClock {
  now(): Date {
    return new Date();
  }
}
