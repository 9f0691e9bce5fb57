import { eachHeader, type PortcullisResponse } from '@portcullis/core/adapter';
import { releaseUnreadBody } from '@portcullis/core/node';
import type { FastifyReply } from 'fastify';

/** Sends core's answer through Fastify, every `Set-Cookie` as a header of its own. */
export function sendResponse(reply: FastifyReply, response: PortcullisResponse): FastifyReply {
  reply.status(response.status);
  releaseUnreadBody(reply.request.raw);
  eachHeader(response, (name, value) => reply.header(name, value));
  return response.body === null ? reply.send() : reply.send(response.body);
}
