// The host directory: who receives takedown notices for a domain.

import { z } from 'zod';
import { ANY_STAFF, SUPERVISORS, signedIn } from '../console/console-access.ts';
import type { App } from '../http/app.ts';
import type { TakedownService } from './takedown.service.ts';
import { hostView, idParams, language } from './takedown-views.ts';

export function hostRoutes(takedown: TakedownService) {
  return (app: App): Promise<void> => {
    const hostBody = z
      .object({ domain: z.string().max(253), name: z.string().min(1).max(200), abuseEmail: z.email().max(254).nullable().optional(), language: language.optional(), partner: z.boolean().optional() })
      .strict();

    app.get(
      '/api/console/hosts',
      { config: { access: ANY_STAFF }, schema: { tags: ['console'], summary: 'The host directory', response: { 200: z.object({ hosts: z.array(hostView) }) } } },
      async () => ({ hosts: await takedown.listHosts() }),
    );

    app.post(
      '/api/console/hosts',
      { config: { access: SUPERVISORS }, schema: { tags: ['console'], summary: 'Add a host: its domain covers its subdomains', body: hostBody, response: { 201: hostView } } },
      async (request, reply) => reply.code(201).send(await takedown.createHost(request.body, `user:${signedIn(request).user.id}`)),
    );

    app.patch(
      '/api/console/hosts/:id',
      {
        config: { access: SUPERVISORS },
        schema: { tags: ['console'], summary: 'Change a host', params: idParams, body: hostBody.omit({ domain: true }).partial(), response: { 200: hostView } },
      },
      async (request) => takedown.updateHost(request.params.id, request.body, `user:${signedIn(request).user.id}`),
    );

    app.delete(
      '/api/console/hosts/:id',
      { config: { access: SUPERVISORS }, schema: { tags: ['console'], summary: 'Remove a host from the directory', params: idParams } },
      async (request, reply) => {
        await takedown.deleteHost(request.params.id, `user:${signedIn(request).user.id}`);
        return reply.code(204).send();
      },
    );
    return Promise.resolve();
  };
}
