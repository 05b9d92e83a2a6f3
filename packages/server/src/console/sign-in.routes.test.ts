// Console sign-in under replay and concurrency, over HTTP on both back ends:
// a TOTP code signs in once (even sent twice at the same moment, over a real
// socket), 50 concurrent wrong passwords pause an account exactly as 50
// sequential ones do, and an address that does not exist is paused after the
// same number of failures with the same answer.
import { and, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { PASSWORD, enrolledUser, freshCode } from '../../test/console.ts';
import { describeServer } from '../../test/server.ts';
import { auditLog } from '../db/schema.ts';

interface Answer {
  readonly status: number;
  readonly code: string | null;
  readonly message: string | null;
  readonly retryAfter: string | null;
}

let addresses = 0;
/** A client address of its own for each call: these tests are about the per-account rule, not the per-client budget. */
const someAddress = () => `192.0.2.${(addresses++ % 250) + 1}`;

describeServer('console sign-in: codes used once, pauses that hold under concurrency', ({ server }) => {
  let base = '';
  beforeAll(async () => {
    base = await server().app.listen({ host: '127.0.0.1', port: 0 });
  });

  const body = (email: string, password: string, code: string) => ({ email, password, code });
  const inject = async (payload: ReturnType<typeof body>): Promise<Answer> => {
    const response = await server().app.inject({ method: 'POST', url: '/api/console/login', remoteAddress: someAddress(), payload } satisfies InjectOptions);
    const error = response.statusCode === 200 ? null : response.json<{ error: { code: string; message: string } }>().error;
    const retryAfter = response.headers['retry-after'];
    return { status: response.statusCode, code: error?.code ?? null, message: error?.message ?? null, retryAfter: typeof retryAfter === 'string' ? retryAfter : null };
  };
  /** Over the socket: requests really in flight together. */
  const post = async (payload: ReturnType<typeof body>): Promise<Answer> => {
    const response = await fetch(`${base}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const error = response.status === 200 ? null : ((await response.json()) as { error: { code: string; message: string } }).error;
    return { status: response.status, code: error?.code ?? null, message: error?.message ?? null, retryAfter: response.headers.get('retry-after') };
  };
  const tally = (answers: readonly Answer[]) => {
    const counts: Record<string, number> = {};
    for (const a of answers) counts[`${a.status} ${a.code ?? ''}`.trim()] = (counts[`${a.status} ${a.code ?? ''}`.trim()] ?? 0) + 1;
    return counts;
  };

  it('signs in once with a code: the same code again is refused, and so is an older one', async () => {
    const user = await enrolledUser(server(), 'analyst');
    const older = await freshCode(user.secret);
    const newer = await freshCode(user.secret);
    expect((await inject(body(user.email, PASSWORD, newer))).status).toBe(200);
    expect(await inject(body(user.email, PASSWORD, newer))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await inject(body(user.email, PASSWORD, older))).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('counts the code that finished enrolment as used', async () => {
    const email = `enrolled-${Math.random().toString(36).slice(2)}@hotline.example`;
    const { enrolmentToken } = await server().accounts.createUser(email, 'analyst', 'system');
    const { secret } = (await server().app.inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } })).json<{ secret: string }>();
    const first = await freshCode(secret);
    expect((await server().app.inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password: PASSWORD, code: first } })).statusCode).toBe(204);
    expect((await inject(body(email, PASSWORD, first))).status).toBe(401);
    expect((await inject(body(email, PASSWORD, await freshCode(secret)))).status).toBe(200);
  });

  it('of one code sent five times at the same moment, exactly one signs in', async () => {
    const user = await enrolledUser(server(), 'analyst');
    const code = await freshCode(user.secret);
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(body(user.email, PASSWORD, code))));
    expect(tally(answers)).toEqual({ '200': 1, '401 unauthorized': 4 });
  });

  it('pauses an account after 50 concurrent wrong passwords exactly as after 50 sequential ones, and then refuses the right password', async () => {
    const concurrent = await enrolledUser(server(), 'supervisor');
    const sequential = await enrolledUser(server(), 'supervisor');
    const wrong = (email: string) => body(email, 'not the password at all', '000000');

    const together = await Promise.all(Array.from({ length: 50 }, () => post(wrong(concurrent.email))));
    const inTurn: Answer[] = [];
    for (let i = 0; i < 50; i++) inTurn.push(await inject(wrong(sequential.email)));

    // Nine refusals, then the tenth failure pauses the account: every later attempt is answered unchecked.
    expect(tally(together)).toEqual({ '401 unauthorized': 9, '429 sign_in_paused': 41 });
    expect(tally(together)).toEqual(tally(inTurn));
    expect(inTurn.slice(0, 9).every((a) => a.status === 401)).toBe(true);
    // Ten attempts were checked on each account, no more: one audit entry per checked failure.
    for (const user of [concurrent, sequential]) {
      const failed = await server().database.db.select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.actor, `user:${user.userId}`), eq(auditLog.action, 'login.failed')));
      expect(failed).toHaveLength(10);
    }

    // The right password and a good code, during the pause: the paused answer, until about 15 minutes from now.
    const right = await post(body(concurrent.email, PASSWORD, await freshCode(concurrent.secret)));
    expect(right).toMatchObject({ status: 429, code: 'sign_in_paused' });
    expect(Number(right.retryAfter)).toBeGreaterThan(14 * 60);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(15 * 60);
    const until = /paused until (\S+Z)/.exec(right.message ?? '')?.[1];
    expect(Date.parse(until ?? '') - Date.now()).toBeGreaterThan(14 * 60_000);
  });

  it('pauses an address that does not exist after the same number of failures, with the same answer', async () => {
    const known = await enrolledUser(server(), 'analyst');
    const unknown = `nobody-${Math.random().toString(36).slice(2)}@hotline.example`;
    const run = async (email: string) => {
      const answers: Answer[] = [];
      for (let i = 0; i < 12; i++) answers.push(await inject(body(email, 'a wrong password', '123456')));
      return answers;
    };
    const [forKnown, forUnknown] = [await run(known.email), await run(unknown)];
    const shape = (answers: Answer[]) => answers.map((a) => ({ status: a.status, code: a.code, message: a.message?.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>') }));
    expect(shape(forUnknown)).toEqual(shape(forKnown));
    expect(shape(forKnown).map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429, 429, 429]);
    expect(forUnknown.at(-1)!.retryAfter).not.toBeNull();
    // However it is written.
    expect(await inject(body(`  ${unknown.toUpperCase()} `, 'x', '000000'))).toMatchObject({ status: 429, code: 'sign_in_paused' });
  });
});
