// The helplines the victim portal shows, as admins edit them in the console.

import { z } from 'zod';
import { ADMINS, signedIn } from '../console/console-access.ts';
import type { App } from '../http/app.ts';
import { type HelplineService, editableHelplinesSchema } from './helplines.service.ts';
import { helplineSchema } from './portal.routes.ts';

export function helplineRoutes(helplines: HelplineService) {
  return (app: App): Promise<void> => {
    app.get(
      '/api/console/helplines',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: "The helplines the victim portal shows: the console's list once one was saved (source console), else DISRUPT_HELPLINES or France's lines (source config)",
          response: { 200: z.object({ helplines: z.array(helplineSchema), source: z.enum(['console', 'config']) }) },
        },
      },
      async () => helplines.current(),
    );

    app.put(
      '/api/console/helplines',
      {
        config: { access: ADMINS },
        schema: {
          tags: ['console'],
          summary: 'Replace the portal\'s helplines (at most 20; links https only); the portal shows them at once (audited, with the count only)',
          body: z.object({ helplines: editableHelplinesSchema }).strict(),
          response: { 200: z.object({ helplines: z.array(helplineSchema), source: z.enum(['console', 'config']) }) },
        },
      },
      async (request) => {
        await helplines.replace(request.body.helplines, `user:${signedIn(request).user.id}`);
        return helplines.current();
      },
    );
    return Promise.resolve();
  };
}
