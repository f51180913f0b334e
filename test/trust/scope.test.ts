import t from 'tap';
import { describeScope, parseScope, scopeCovers, type CredentialClaims } from '../../src/trust/scope.js';
import { problemThrownBy } from '../helpers/problems.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';

/** The problem parseScope throws, as a client reads it. */
const refusal = (input: Record<string, unknown>, where?: string) => problemThrownBy(() => parseScope(input, where));

t.test('a scope is exactly one of framework, level or occupation, checked against the reference data', async (t) => {
  t.same(parseScope({ framework: 'eqf' }), { type: 'framework', value: 'eqf' });
  t.same(parseScope({ level: ' ma-cnc:3 ' }), { type: 'level', value: 'ma-cnc:3' }, 'trimmed');
  t.same(parseScope({ level: 'https://passerelle.example/frameworks/ma-cnc/levels/3' }), { type: 'level', value: 'ma-cnc:3' }, 'a level URI is stored as its ref');
  t.same(parseScope({ occupation: '711' }), { type: 'occupation', value: '711' });
  t.same(parseScope({ occupation: BRICKLAYER }), { type: 'occupation', value: BRICKLAYER });

  const oneOf = 'must have exactly one of framework (e.g. "ma-cnc"), level (e.g. "ma-cnc:3" or a level URI) or occupation (an ISCO-08 code such as "7112", or an ESCO occupation URI)';
  t.same(await refusal({}), { status: 400, code: 'invalid-scope', detail: `scope ${oneOf}` });
  t.same(await refusal({ framework: 'eqf', level: 'eqf:3' }, 'accreditations[2].scope'), { status: 400, code: 'invalid-scope', detail: `accreditations[2].scope ${oneOf}` });
  t.same(await refusal({ framework: 'xx-nqf' }), {
    status: 400, code: 'unknown-framework', detail: 'scope.framework "xx-nqf" is not a framework this service holds; GET /frameworks lists them',
  });
  t.same(await refusal({ level: 'eqf:9' }), {
    status: 400, code: 'unknown-framework-level', detail: 'scope.level "eqf:9" is not a known level; use a ref such as "ma-cnc:3" or a level URI (GET /frameworks/<id>)',
  });
  const unknownOccupation = (value: string) => ({
    status: 400, code: 'unknown-occupation',
    detail: `scope.occupation "${value}" is neither an ISCO-08 group code (1 to 4 digits, e.g. 7112) nor an ESCO occupation URI this service knows`,
  });
  t.same(await refusal({ occupation: '99999' }), unknownOccupation('99999'));
  t.same(await refusal({ occupation: 'http://data.europa.eu/esco/occupation/not-in-the-catalogue' }), unknownOccupation('http://data.europa.eu/esco/occupation/not-in-the-catalogue'));
});

t.test('a scope reads as a short label, in the reader\'s language where the catalogue has it', async (t) => {
  t.equal(describeScope({ type: 'framework', value: 'eqf' }), 'every level of EQF');
  t.equal(describeScope({ type: 'framework', value: 'gone-nqf' }), 'every level of gone-nqf', 'a framework no longer held keeps its id');
  t.equal(describeScope({ type: 'level', value: 'ma-cnc:3' }), 'CNC level 3');
  t.equal(describeScope({ type: 'level', value: 'gone-nqf:3' }), 'gone-nqf:3', 'a level no longer held keeps its ref');
  t.equal(describeScope({ type: 'occupation', value: '7112' }), 'ISCO-08 7112 (Bricklayers and related workers)');
  t.equal(describeScope({ type: 'occupation', value: '7112' }, 'fr'), 'ISCO-08 7112 (Maçons)');
  t.equal(describeScope({ type: 'occupation', value: '7112' }, 'es'), 'ISCO-08 7112 (Albañiles)');
  t.equal(describeScope({ type: 'occupation', value: '7112' }, 'ar'), 'ISCO-08 7112 (Bricklayers and related workers)', 'no Arabic ISCO labels: English');
  t.equal(describeScope({ type: 'occupation', value: '7112' }, 'constructor'), 'ISCO-08 7112 (Bricklayers and related workers)', 'a language that names an object property: English');
  t.equal(describeScope({ type: 'occupation', value: BRICKLAYER }), 'the occupation "bricklayer"');
  t.equal(describeScope({ type: 'occupation', value: '99999' }), 'occupation 99999', 'an occupation no longer in the catalogue keeps its code');
});

t.test('a scope covers a credential by level, framework, ESCO occupation, or ISCO group and the groups under it', async (t) => {
  const claims: CredentialClaims = { levels: ['ma-cnc:3', 'eqf:3'], frameworks: ['ma-cnc', 'eqf'], iscoCodes: ['7112'], escoOccupations: [BRICKLAYER] };
  const covered = (type: 'framework' | 'level' | 'occupation', value: string) => scopeCovers({ type, value }, claims);
  t.same({
    level: covered('level', 'eqf:3'), otherLevel: covered('level', 'eqf:4'),
    framework: covered('framework', 'ma-cnc'), otherFramework: covered('framework', 'sn-cnq'),
    group: covered('occupation', '711'), unitGroup: covered('occupation', '7112'), otherGroup: covered('occupation', '712'),
    escoOccupation: covered('occupation', BRICKLAYER), otherEscoOccupation: covered('occupation', 'http://data.europa.eu/esco/occupation/other'),
  }, {
    level: true, otherLevel: false, framework: true, otherFramework: false,
    group: true, unitGroup: true, otherGroup: false, escoOccupation: true, otherEscoOccupation: false,
  });
  t.equal(scopeCovers({ type: 'occupation', value: BRICKLAYER.slice(0, -4) }, claims), false, 'an ESCO URI is matched whole, not as a prefix');
  t.equal(scopeCovers({ type: 'occupation', value: '71' }, { ...claims, iscoCodes: [] }), false, 'no ISCO code claimed, no group covered');
});
