import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One request log line, written when the request is answered, instead of fastify's two (one on arrival, one on the
 * answer): it holds what both held (method, redacted URL, host, client address and port; status and time). At `info`
 * each line costs a serialisation and a write to standard output per request, as much as a small route's own work.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
