/**
 * What a credential says, read for people (src/wallet/credentialText.ts, heldSkills.ts): the text in the reader's
 * language when the issuer gave several, the achievement with its criteria and validated units, the issuer and dates,
 * and the ESCO skills it certifies.
 */
import t from 'tap';
import { UNIT_ALIGNMENT_TYPE } from '../../src/assessment/model.js';
import { summariseCredential, textIn } from '../../src/wallet/credentialText.js';
import { heldSkillsOf } from '../../src/wallet/heldSkills.js';

const ESCO = 'http://data.europa.eu/esco/skill/';

t.test('the text for a reader: their language, else text without a language, else English, else the first', async (t) => {
  const cases: Array<[string, unknown, string, unknown]> = [
    ['a plain string', 'Maçon', 'ar', { text: 'Maçon' }],
    ['a language map, the reader\'s language', { fr: 'Maçon', en: 'Bricklayer', ar: 'بنّاء' }, 'ar', { text: 'بنّاء', lang: 'ar' }],
    ['a regional tag for the language', { 'fr-MA': 'Maçon', en: 'Bricklayer' }, 'fr', { text: 'Maçon', lang: 'fr-MA' }],
    ['an upper-case tag', [{ '@value': 'Albañil', '@language': 'ES' }, 'Maçon'], 'es', { text: 'Albañil', lang: 'ES' }],
    ['no text in the language: the one without a language', [{ '@value': 'Bricklayer', '@language': 'en' }, 'Maçon'], 'ar', { text: 'Maçon' }],
    ['then English', [{ '@value': 'Albañil', '@language': 'es' }, { '@value': 'Bricklayer', '@language': 'en-GB' }], 'ar', { text: 'Bricklayer', lang: 'en-GB' }],
    ['then the first', { es: 'Albañil', fr: 'Maçon' }, 'ar', { text: 'Albañil', lang: 'es' }],
    ['several texts in one language', { fr: ['Maçon', 'Maçonne'] }, 'fr', { text: 'Maçon', lang: 'fr' }],
    ['values without text skipped', [{ '@value': 5 }, { fr: 7 }, null, 'Maçon'], 'fr', { text: 'Maçon' }],
    ['an object that is no language map', { name: 'Maçon' }, 'fr', undefined],
    ['language tags mixed with other keys: no language map', { fr: 'Maçon', name: 'Maçon' }, 'fr', undefined],
    ['an empty object', {}, 'fr', undefined],
    ['nothing', undefined, 'fr', undefined],
  ];
  for (const [what, value, lang, expected] of cases) t.same(textIn(value, lang), expected, what);
});

t.test('a credential summarised: its names, its achievement, its issuer and dates', async (t) => {
  const summary = summariseCredential({
    id: 'urn:uuid:1', type: ['VerifiableCredential', 'OpenBadgeCredential', 7], name: { fr: 'Maçonnerie', en: 'Masonry' }, description: 'Niveau 3',
    issuer: { id: 'did:web:passerelle.test:orgs:ofppt-casa', name: { fr: 'OFPPT Casablanca', en: 'OFPPT Casablanca (en)' } },
    issuanceDate: '2026-01-01T00:00:00Z', expirationDate: '2031-01-01T00:00:00Z',
    credentialSubject: ['did:example:nobody', {
      achievement: [{
        name: 'Maçon', description: { en: 'Builds walls' }, criteria: { narrative: 'Un mur de démonstration' }, achievementType: 'Certificate',
        alignment: [
          { targetType: UNIT_ALIGNMENT_TYPE, targetCode: 'U1', targetName: { en: 'Foundations' } },
          { targetType: UNIT_ALIGNMENT_TYPE, targetCode: 7 }, { targetType: 'ceasn:Competency', targetCode: 'S1' }, 'U2',
        ],
      }],
    }],
  }, 'en');
  t.same(summary, {
    id: 'urn:uuid:1', types: ['VerifiableCredential', 'OpenBadgeCredential'], name: { text: 'Masonry', lang: 'en' }, description: { text: 'Niveau 3' },
    achievement: {
      name: { text: 'Maçon' }, description: { text: 'Builds walls', lang: 'en' }, criteria: { text: 'Un mur de démonstration' }, achievementType: 'Certificate',
      validatedUnits: [{ code: 'U1', name: { text: 'Foundations', lang: 'en' } }],
    },
    issuer: { id: 'did:web:passerelle.test:orgs:ofppt-casa', name: { text: 'OFPPT Casablanca (en)', lang: 'en' } },
    validFrom: '2026-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z',
  }, 'VC 1.1 dates, the first subject that is an object, units with a code only');
  t.same(summariseCredential({ issuer: 'did:example:issuer', validFrom: '2026-01-01T00:00:00Z', issuanceDate: '2025-01-01T00:00:00Z', validUntil: 7, credentialSubject: {} }, 'fr'), {
    id: undefined, types: [], name: undefined, description: undefined, achievement: undefined,
    issuer: { id: 'did:example:issuer', name: undefined }, validFrom: '2026-01-01T00:00:00Z', validUntil: undefined,
  }, 'a bare credential: validFrom over issuanceDate, no achievement, an issuer as a string');
  for (const criteria of ['not an object', null, [{ narrative: 'in a list' }]]) {
    t.same(summariseCredential({ issuer: { name: 'Centre' }, credentialSubject: { achievement: { criteria } } }, 'fr').achievement?.criteria, undefined, `criteria ${JSON.stringify(criteria)}: no narrative`);
  }
  t.equal(summariseCredential({ issuer: { name: 'Centre' } }, 'fr').issuer.id, '', 'an issuer without id');
});

t.test('the ESCO skills a credential certifies, once each', async (t) => {
  const credential = {
    credentialSubject: [
      { achievement: { alignment: [{ targetUrl: `${ESCO}a` }, { targetUrl: 'http://data.europa.eu/esco/occupation/o' }, { targetUrl: `${ESCO}a` }, 'x', { targetUrl: 5 }] } },
      { achievement: [{ alignment: { targetUrl: `${ESCO}b` } }, 'y'] }, 'z',
    ],
  };
  t.same(heldSkillsOf(credential), [`${ESCO}a`, `${ESCO}b`], 'from every subject and achievement');
  t.same([heldSkillsOf(undefined), heldSkillsOf({}), heldSkillsOf({ credentialSubject: { achievement: {} } })], [[], [], []], 'none');
});
