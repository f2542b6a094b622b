import type { OutgoingHttpHeaders } from 'node:http';
import { applyDecorators, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedKey } from 'src/auth/api-keys.service';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { EventsQueryDto } from 'src/events/dto/events.query';
import { QueueEventsQueryDto } from 'src/events/dto/queue-events.query';
import { AGENT_TOPICS, EVENT_TOPICS, EventTopic, parseLastEventId, parseTopics } from './event-stream';
import { EventHub, EventSink, Subscription } from './event-hub.service';

// The global API key guard puts the caller's key here (auth/'s guard is not its public surface, the key type is).
type AuthenticatedRequest = FastifyRequest & { apiKey?: AuthenticatedKey };

const STREAM_DESCRIPTION =
  'A Server-Sent Events stream (text/event-stream). Each event: `id: <stream id>`, `event: <topic>.<type>` ' +
  '(e.g. `queues.call_waiting`), `data: <JSON object>`. Control events: `ready` (subscribed; its id is the current ' +
  'position) and `reset` (the history no longer holds everything after Last-Event-ID: reload your state). A ' +
  '`: heartbeat` comment every 15 s. Reconnect with `Last-Event-ID: <last id received>` to get exactly the missed ' +
  'events (at-least-once per connection, ordered). Authenticate with the Authorization header (use fetch streaming: ' +
  "browsers' EventSource cannot send it; keys are never accepted in the URL).";

const apiDocs = (summary: string) =>
  applyDecorators(
    ApiOperation({ summary, description: STREAM_DESCRIPTION }),
    ApiProduces('text/event-stream'),
    ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (as sent in `id:`)' }),
    ApiOkResponse({
      description: 'The event stream (never ends by itself)',
      content: { 'text/event-stream': { schema: { type: 'string', example: 'id: 1764370000000-0\nevent: queues.call_waiting\ndata: {"queueId":"…"}\n\n' } } },
    }),
    ApiBadRequestResponse({ description: 'Unknown topic (field `topics`) or malformed Last-Event-ID / lastEventId' }),
    ApiServiceUnavailableResponse({ description: 'Too many stream clients on this process, Redis unavailable, or shutting down' }),
  );

// The admin event stream. Agents may subscribe to the `agents` topic only; every other role to every topic.
//
// This controller writes to the raw response (@Res + hijack) rather than returning a value, unlike every other
// route (STYLE.md): a stream has no single body. Nest's @Sse would also work on Fastify, but it cannot send the
// `reset`/`ready` control events before the first item in order with the backfill, and its headers are fixed.
// Everything that can fail (auth by the global guard, topics, Last-Event-ID, capacity, Redis) fails before the
// hijack, so those errors get the usual JSON error response; only a backfill failing midway ends a started stream.
@AdminController('', 'events')
@Roles('admin', 'supervisor', 'reporting', 'agent')
export class EventsController {
  private readonly logger = new Logger('EventStream');

  constructor(private readonly hub: EventHub) {}

  @Get('events')
  @apiDocs('Admin event stream (SSE): queues, agents, conferences, budgets, campaigns, recordings')
  async events(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Query() query: EventsQueryDto): Promise<void> {
    await this.stream(request, reply, parseTopics(query.topics, topicsOf(request)), query.lastEventId);
  }

  @Get('queues/events')
  @apiDocs('Queue wallboard stream (SSE): the queues and agents topics of /api/v1/events')
  async queueEvents(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Query() query: QueueEventsQueryDto): Promise<void> {
    await this.stream(request, reply, parseTopics('queues,agents', topicsOf(request)), query.lastEventId);
  }

  // Resumes after the Last-Event-ID header (what a reconnecting client sends), else after ?lastEventId=.
  private async stream(request: AuthenticatedRequest, reply: FastifyReply, topics: EventTopic[], lastEventIdQuery: string | undefined): Promise<void> {
    const lastEventId = parseLastEventId(request.headers['last-event-id'], lastEventIdQuery);
    const raw = reply.raw;
    let started = false;
    let subscription: Subscription | undefined;
    let gone = false;
    raw.on('close', () => {
      gone = true;
      subscription?.close();
    });
    const sink: EventSink = {
      write: (chunk) => {
        if (!started) {
          started = true;
          reply.hijack();
          // A hijacked reply skips Fastify's onSend hooks and does not send the headers set on it: both are applied
          // here, with the stream's own content type and cache policy (helmet's are on the raw response already).
          raw.writeHead(200, {
            ...(reply.getHeaders() as OutgoingHttpHeaders),
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-store',
            connection: 'keep-alive',
            'x-accel-buffering': 'no', // nginx: do not buffer the stream
            'x-request-id': String(request.id),
          });
          raw.socket?.setNoDelay(true);
        }
        return raw.write(chunk);
      },
      get bufferedBytes() {
        return raw.writableLength;
      },
      end: () => raw.end(),
    };
    try {
      subscription = await this.hub.subscribe(topics, lastEventId, sink);
    } catch (err) {
      if (!started) throw err; // nothing sent yet: the usual JSON error
      // Failed mid-backfill: end the stream; the client reconnects and resumes from what it got.
      this.logger.warn({ err }, 'Event stream backfill failed; stream ended');
      raw.end();
      return;
    }
    if (gone) subscription.close();
  }
}

// Agents see their own world only (docs/events.md "Roles").
function topicsOf(request: AuthenticatedRequest): readonly EventTopic[] {
  return request.apiKey?.role === 'agent' ? AGENT_TOPICS : EVENT_TOPICS;
}
