/**
 * The delete guard under concurrency, over HTTP: each round creates an institution and then fires
 * specialist creates and the institution's delete in parallel. Whatever the interleaving, no
 * specialist may outlive its institution, every surviving counter equals the number of specialists,
 * and a refused create leaves its phone free.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { documentClient, tableName } from '#shared/db/client';
import { getInstitution } from '#shared/db/institutions';
import { querySpecialists } from '#shared/db/specialists';
import { specialistPhoneGuardKey } from '#shared/db/keys';
import { loginWithPassword, useLocalStack, type ApiResponse } from './harness';
import { institutionBody, uploadImage } from './institutions-helpers';

const client = useLocalStack();
const ROUNDS = 20;
const CREATES_PER_ROUND = 6;
let token = '';
let logoKey = '';
let phoneSeq = 0;

beforeAll(async () => {
  await ensureDemoAccounts();
  token = await loginWithPassword(client, DEMO_ACCOUNTS[2]!.phone, DEMO_PASSWORD);
  logoKey = await uploadImage(client, token, 'institution-logo');
});

const guardOf = async (phone: string) =>
  (await documentClient().send(new GetCommand({ TableName: tableName(), Key: specialistPhoneGuardKey(phone), ConsistentRead: true }))).Item;

interface Round {
  institutionId: number;
  deleted: ApiResponse;
  creates: { phone: string; response: ApiResponse }[];
}

async function playRound(round: number): Promise<Round> {
  const created = await client.request('POST', '/api/institutions', { token, body: institutionBody(logoKey) });
  expect(created.status).toBe(201);
  const institutionId = created.body.id as number;
  const phones = Array.from({ length: CREATES_PER_ROUND }, () => `1550000${String((phoneSeq += 1)).padStart(4, '0')}`);
  const createCalls = phones.map((phone) =>
    client.request('POST', `/api/institutions/${institutionId}/specialists`, { token, body: { phone, realName: '并发', status: 'enabled' } }),
  );
  // Vary when the delete starts, so that it lands before, among and after the creates' steps (a create
  // is a handful of writes, the delete one conditional DeleteItem, so at once it usually wins). Every
  // third round it waits for one create to finish: then it must be refused while the others still run.
  const deleteCall = (async () => {
    if (round % 3 === 2) await createCalls[0];
    else await new Promise((resolve) => setTimeout(resolve, (round % 10) * 5));
    return client.request('DELETE', `/api/institutions/${institutionId}`, { token });
  })();
  const position = round % (CREATES_PER_ROUND + 1);
  const calls = [...createCalls.slice(0, position), deleteCall, ...createCalls.slice(position)];
  const answers = await Promise.all(calls);
  const deleted = answers[position]!;
  const createAnswers = [...answers.slice(0, position), ...answers.slice(position + 1)];
  return { institutionId, deleted, creates: phones.map((phone, i) => ({ phone, response: createAnswers[i]! })) };
}

describe('specialist creates racing an institution delete', () => {
  it(`never leaves a specialist without its institution, over ${ROUNDS} rounds`, async () => {
    const outcomes = { deletedFirst: 0, refused: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      const { institutionId, deleted, creates } = await playRound(round);
      const label = `round ${round}`;
      const createdOk = creates.filter((c) => c.response.status === 201);
      for (const c of creates) expect(`${label} create ${c.response.status}`).toMatch(/ (201|404)$/);
      const institution = await getInstitution(institutionId);
      const stored = await querySpecialists(institutionId);

      if (deleted.status === 204) {
        outcomes.deletedFirst += 1;
        expect(institution, label).toBeUndefined();
        expect(stored, `${label}: orphaned specialists`).toEqual([]);
        expect(createdOk, label).toEqual([]);
      } else {
        outcomes.refused += 1;
        expect(deleted.status, label).toBe(409);
        expect(deleted.body.error.code).toBe('INSTITUTION_HAS_SPECIALISTS');
        expect(institution, label).toBeDefined();
        expect(institution!.specialistCount, `${label}: counter`).toBe(stored.length);
        expect(stored.map((s) => s.phone).sort(), label).toEqual(createdOk.map((c) => c.phone).sort());
      }
      // A refused create (its institution was gone) released the phone it had claimed.
      for (const c of creates.filter((x) => x.response.status !== 201)) {
        expect(c.response.body.error.code).toBe('INSTITUTION_NOT_FOUND');
        expect(await guardOf(c.phone), `${label}: phone guard of ${c.phone}`).toBeUndefined();
      }

      // Clearing the specialists brings the counter back to 0 and lets the delete through.
      if (institution) {
        for (const s of stored) {
          expect((await client.request('DELETE', `/api/institutions/${institutionId}/specialists/${s.id}`, { token })).status).toBe(204);
        }
        expect((await client.request('DELETE', `/api/institutions/${institutionId}`, { token })).status, label).toBe(204);
        expect(await querySpecialists(institutionId)).toEqual([]);
      }
    }
    console.log(`institution delete vs specialist creates: ${JSON.stringify(outcomes)} over ${ROUNDS} rounds`);
    // Every round ended in one of the two consistent outcomes checked above. Which one wins varies
    // with timing (9/11 to 17/3 seen here), so demanding both in every run would make the test flaky.
    expect(outcomes.deletedFirst + outcomes.refused).toBe(ROUNDS);
  });
});
