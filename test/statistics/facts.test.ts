import t from 'tap';
import { credentialFacts } from '../../src/statistics/facts.js';

const credential = (id: string, country = 'MA') => ({ id, organisationId: 'o', country, issuedAt: '2026-04-15T10:00:00.000Z' });
const masonry = { occupation: { isco: { code: '7112' } }, skills: [{ uri: 'esco:a' }], levels: [{ frameworkId: 'eqf', code: '3' }, { frameworkId: 'ma-cnc', code: '3' }, { frameworkId: 'es-mecu', code: '2' }] };

t.test('what each credential is known as, and where its corridor comes from', async (t) => {
  const facts = credentialFacts({
    credentials: [credential('trained'), credential('full'), credential('partial'), credential('external'), credential('direct'), credential('home', 'DE')],
    revoked: ['partial'],
    trained: [{ credentialId: 'trained', definition: masonry }, { credentialId: 'home', definition: { levels: [{ frameworkId: 'de-dqr', code: '3' }, { frameworkId: 'gh-ntvetqf', code: '3' }] } }],
    validated: [
      { credentialId: 'full', decision: 'full', reference: {}, definition: masonry },
      { credentialId: 'partial', decision: 'partial', reference: {}, definition: masonry },
      { credentialId: 'external', decision: 'full', reference: { alignment: [{ targetFramework: 'de-dqr', targetCode: '3' }] }, definition: null },
    ],
  });
  t.same(facts.map((f) => [f.month, f.route, f.corridor, f.isco, f.revoked]), [
    ['2026-04', 'training', 'MA-ES', '7112', false],
    ['2026-04', 'validation', 'MA-ES', '7112', false],
    ['2026-04', 'partial-validation', 'MA-ES', '7112', true],
    ['2026-04', 'validation', 'MA-DE', null, false],
    ['2026-04', 'unspecified', null, null, false],
    ['2026-04', 'training', 'DE-GH', null, false],
  ]);
  t.same(facts[0]!.levels, ['eqf:3', 'ma-cnc:3', 'es-mecu:2']);
  t.same(facts[0]!.skills, ['esco:a']);
});
