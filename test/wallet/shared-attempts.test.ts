import t from 'tap';
import { buildTestApps, type TestApp } from '../helpers/app.js';
import { claimIntoNewWallet, issueFor, JSON_ACCEPT } from '../helpers/wallet.js';

/** Wrong passphrases for one wallet sent to the instances in turn: the status of each attempt. */
async function passphraseAttempts(apps: TestApp[], attempts: number): Promise<number[]> {
  const { auth } = await apps[0]!.issuer();
  const { claimOffer } = await issueFor(apps[0]!, auth);
  const walletPath = await claimIntoNewWallet(apps[0]!, claimOffer.url);
  await apps[0]!.app.inject({ method: 'POST', url: `${walletPath}/passphrase`, headers: JSON_ACCEPT, payload: { passphrase: 'tres temporadas en Huelva' } });
  const statuses = [];
  for (let i = 0; i < attempts; i++) {
    const ctx = apps[i % apps.length]!;
    statuses.push((await ctx.app.inject({ method: 'POST', url: `${walletPath}/unlock`, headers: JSON_ACCEPT, payload: { passphrase: `guess ${i}` } })).statusCode);
  }
  return statuses;
}

t.test('wrong passphrases spread over two instances meet the wait at the same count as on one', async (t) => {
  const alone = await passphraseAttempts(await buildTestApps(t, 1), 7);
  t.same(alone, [401, 401, 401, 401, 401, 429, 429], 'one instance: five, then wait');
  t.same(await passphraseAttempts(await buildTestApps(t, 2), 7), alone, 'two instances: the same');
});

t.test('unknown links guessed through two instances share one budget per address', async (t) => {
  const apps = await buildTestApps(t, 2);
  const statuses = [];
  for (let i = 0; i < 31; i++) {
    statuses.push((await apps[i % 2]!.app.inject({ method: 'GET', url: `/claim/${'A'.repeat(42)}${i % 10}`, headers: JSON_ACCEPT })).statusCode);
  }
  t.same(statuses.slice(0, 30), Array(30).fill(404), 'thirty failures within budget');
  t.equal(statuses[30], 429, 'the thirty-first refused, whichever instance');
});
