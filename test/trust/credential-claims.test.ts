import t from 'tap';
import { claimsOf } from '../../src/trust/credentialClaims.js';

// What a credential claims through its achievements' alignments, as accreditation scopes read it.

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';
const NOTHING = { levels: [], frameworks: [], iscoCodes: [], escoOccupations: [] };
const withAlignments = (...alignment: unknown[]) => ({ credentialSubject: { achievement: { alignment } } });

t.test('levels, frameworks, ISCO-08 codes and ESCO occupations, each once', async (t) => {
  t.same(claimsOf(withAlignments(
    { targetFramework: 'EQF', targetCode: '3' },
    { targetUrl: 'http://data.europa.eu/esco/eqf/3' },
    { targetFramework: 'ISCO-08', targetCode: '7112' },
    { targetUrl: 'http://data.europa.eu/esco/isco/C7112' },
    { targetUrl: BRICKLAYER },
  )), { levels: ['eqf:3'], frameworks: ['eqf'], iscoCodes: ['7112'], escoOccupations: [BRICKLAYER] }, 'the ESCO occupation brings its ISCO unit group');
  t.same(claimsOf(withAlignments({ targetUrl: 'http://data.europa.eu/esco/occupation/not-in-the-catalogue' })),
    { ...NOTHING, escoOccupations: ['http://data.europa.eu/esco/occupation/not-in-the-catalogue'] }, 'an ESCO occupation outside the catalogue still counts, without a group');
});

t.test('ISCO-08 by framework name (any case) or by ESCO ISCO URI, with a code of one to four digits', async (t) => {
  const codes = (...alignment: unknown[]) => claimsOf(withAlignments(...alignment)).iscoCodes;
  t.same(codes({ targetFramework: 'isco08', targetCode: '71' }), ['71']);
  t.same(codes({ targetFramework: 'ISCO-08', targetUrl: 'http://data.europa.eu/esco/isco/C711' }), ['711'], 'the code from the URI when none is given');
  t.same(codes({ targetUrl: 'http://data.europa.eu/esco/isco/C7112' }), ['7112']);
  t.same(codes({ targetFramework: 'ISCO-08', targetCode: '71123' }), [], 'five digits are not an ISCO-08 group');
  t.same(codes({ targetFramework: 'ISCO-08', targetCode: 'x7112' }), []);
  t.same(codes({ targetFramework: 'ISCO-08', targetCode: '7112x' }), []);
  t.same(codes({ targetFramework: 'Classification ISCO-08', targetCode: '7112' }), [], 'the framework name must begin with ISCO');
  t.same(codes({ targetUrl: 'https://elsewhere.example/http://data.europa.eu/esco/isco/C7112', targetCode: '7112' }), [], 'the ESCO prefix must begin the URL');
});

t.test('an ESCO URL counts only as a prefix, and a level only when the framework layer resolves it', async (t) => {
  t.same(claimsOf(withAlignments({ targetUrl: `https://elsewhere.example/${BRICKLAYER}` })), NOTHING);
  t.same(claimsOf(withAlignments({ targetFramework: 'EQF', targetCode: '9' })), NOTHING, 'no EQF level 9');
  t.same(claimsOf(withAlignments({ targetFramework: 42, targetCode: '3', targetUrl: 7 })), NOTHING, 'non-text fields claim nothing');
});

t.test('subjects, achievements and alignments one or many; anything else claims nothing and never throws', async (t) => {
  const eqf3 = { targetFramework: 'EQF', targetCode: '3' };
  const cnc4 = { targetFramework: 'CNC', targetCode: '4' };
  t.same(claimsOf({ credentialSubject: [{ achievement: [{ alignment: eqf3 }, { alignment: [cnc4] }] }] }).levels, ['eqf:3', 'ma-cnc:4']);
  for (const [what, credential] of [
    ['no subject', {}],
    ['a subject that is text', { credentialSubject: 'did:example:holder' }],
    ['a subject that is null', { credentialSubject: null }],
    ['achievements in an array of arrays', { credentialSubject: { achievement: [[{ alignment: eqf3 }]] } }],
    ['an alignment that is null', { credentialSubject: { achievement: { alignment: [null, 'eqf:3'] } } }],
  ] as const) {
    t.same(claimsOf(credential as Record<string, unknown>), NOTHING, what);
  }
});
