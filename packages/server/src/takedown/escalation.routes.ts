// Escalating a case about a minor to the authorities, and its package.

import { z } from 'zod';
import { REVIEWERS, signedIn } from '../console/console-access.ts';
import { AUTHORITIES } from '../db/schema.ts';
import type { App } from '../http/app.ts';
import type { EscalationService } from './escalation.service.ts';
import { caseParams, escalationView, idParams } from './takedown-views.ts';

export function escalationRoutes(escalations: EscalationService) {
  return (app: App): Promise<void> => {
    app.get(
      '/api/console/cases/:caseId/escalations',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: "A case's escalations to the authorities", params: caseParams, response: { 200: z.object({ escalations: z.array(escalationView) }) } } },
      async (request) => ({ escalations: await escalations.list(request.params.caseId) }),
    );

    app.post(
      '/api/console/cases/:caseId/escalations',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Escalate a case about a minor: a package (URLs, hashes, decisions) recorded as sent to an authority',
          params: caseParams,
          body: z.object({ authority: z.enum(AUTHORITIES), authorityReference: z.string().min(1).max(100).optional() }).strict(),
          response: { 201: z.object({ escalation: escalationView, package: z.record(z.string(), z.unknown()) }) },
        },
      },
      async (request, reply) => {
        const created = await escalations.create(request.params.caseId, signedIn(request).user.id, request.body);
        return reply.code(201).header('cache-control', 'no-store').send({ escalation: created.escalation, package: { ...created.package } });
      },
    );

    app.patch(
      '/api/console/escalations/:id',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: "Record the authority's own reference number",
          params: idParams,
          body: z.object({ authorityReference: z.string().min(1).max(100) }).strict(),
          response: { 200: escalationView },
        },
      },
      async (request) => escalations.setAuthorityReference(request.params.id, signedIn(request).user.id, request.body.authorityReference),
    );

    app.get(
      '/api/console/escalations/:id/package',
      { config: { access: REVIEWERS }, schema: { tags: ['console'], summary: 'The package exactly as sent (audited); x-package-digest is its SHA-256', params: idParams } },
      async (request, reply) => {
        const { json, digest, reference } = await escalations.package(request.params.id, signedIn(request).user.id);
        return reply
          .header('content-type', 'application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${reference}.json"`)
          .header('x-package-digest', digest)
          .header('cache-control', 'no-store')
          .send(json);
      },
    );
    return Promise.resolve();
  };
}
