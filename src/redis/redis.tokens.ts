// The app's shared ioredis client (health checks, rate limiting, caches). BullMQ opens its own connections.
export const REDIS = Symbol('REDIS');
