// Takedown notices and URL re-checks, per item, and the outbox.

import { z } from 'zod';
import { REVIEWERS, signedIn } from '../console/console-access.ts';
import type { App } from '../http/app.ts';
import type { TakedownService } from './takedown.service.ts';
import { checkView, hostView, idParams, language, noticeView } from './takedown-views.ts';

export function noticeRoutes(takedown: TakedownService) {
  return (app: App): Promise<void> => {
    const noticeRequest = z.object({ language: language.optional(), recipient: z.email().max(254).optional() }).strict();

    app.post(
      '/api/console/items/:id/notice-preview',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'The takedown notice as it would go out (French or English), its recipient and channel',
          params: idParams,
          body: noticeRequest,
          response: { 200: z.object({ recipient: z.string().nullable(), channel: z.enum(['email', 'outbox']), host: hostView.nullable(), subject: z.string(), text: z.string() }) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await takedown.previewNotice(request.params.id, request.body)),
    );

    app.post(
      '/api/console/items/:id/notices',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Send a takedown notice for an accepted URL: by e-mail when SMTP is configured and the host has an address, otherwise to the outbox',
          params: idParams,
          body: noticeRequest,
          response: { 201: noticeView },
        },
      },
      async (request, reply) => reply.code(201).send(await takedown.createNotice(request.params.id, signedIn(request).user.id, request.body)),
    );

    app.get(
      '/api/console/notices/outbox',
      {
        config: { access: REVIEWERS },
        schema: {
          tags: ['console'],
          summary: 'Notices waiting for an analyst to download and send, each with its case and the item\'s place in it',
          response: { 200: z.object({ notices: z.array(noticeView.extend({ caseId: z.string(), position: z.number().int() })) }) },
        },
      },
      async () => ({ notices: await takedown.outbox() }),
    );

    app.post(
      '/api/console/notices/:id/download',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'A notice as an .eml message; downloading it from the outbox records it as sent (audited)', params: idParams },
      },
      async (request, reply) => {
        const { filename, eml } = await takedown.exportNotice(request.params.id, signedIn(request).user.id);
        return reply.header('content-type', 'message/rfc822').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(eml);
      },
    );

    app.post(
      '/api/console/items/:id/check',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'Check the URL now: online, removed or unreachable (recorded)', params: idParams, response: { 200: checkView } },
      },
      async (request) => takedown.checkNow(request.params.id, signedIn(request).user.id),
    );

    app.post(
      '/api/console/items/:id/removed',
      {
        config: { access: REVIEWERS },
        schema: { tags: ['console'], summary: 'Confirm that the content is gone (e.g. the page now shows something else): recorded as removed now', params: idParams },
      },
      async (request, reply) => {
        await takedown.confirmRemoved(request.params.id, signedIn(request).user.id);
        return reply.code(204).send();
      },
    );
    return Promise.resolve();
  };
}
