/**
 * The ESCO skills a held credential certifies (src/wallet/heldSkills.ts), read from credentials of every shape a
 * wallet may hold: one subject or several, one achievement or several, alignments as an object or a list, and
 * entries that are not objects, which are passed over.
 */
import t from 'tap';
import { heldSkillsOf } from '../../src/wallet/heldSkills.js';

const ESCO = 'http://data.europa.eu/esco/skill/';
const BRICKLAYING = `${ESCO}bricklaying`;
const PLASTERING = `${ESCO}plastering`;
const alignment = (targetUrl: unknown) => ({ type: ['Alignment'], targetName: 'a skill', targetUrl });

t.test('skills from each shape of credential', async (t) => {
  const cases: Array<[string, Record<string, unknown> | undefined, string[]]> = [
    ['no credential', undefined, []],
    ['no subject', { type: ['VerifiableCredential'] }, []],
    ['one subject, one achievement, one alignment object', { credentialSubject: { achievement: { alignment: alignment(BRICKLAYING) } } }, [BRICKLAYING]],
    ['lists at every level', {
      credentialSubject: [{ achievement: [{ alignment: [alignment(BRICKLAYING)] }, { alignment: [alignment(PLASTERING)] }] }],
    }, [BRICKLAYING, PLASTERING]],
    ['a skill certified twice: once', {
      credentialSubject: [{ achievement: { alignment: [alignment(BRICKLAYING)] } }, { achievement: { alignment: alignment(BRICKLAYING) } }],
    }, [BRICKLAYING]],
    ['alignments to other frameworks and occupations left out', {
      credentialSubject: { achievement: { alignment: [alignment('http://data.europa.eu/esco/occupation/bricklayer'), alignment('http://data.europa.eu/snb/eqf/4'), alignment(42), alignment(PLASTERING)] } },
    }, [PLASTERING]],
    ['entries that are not objects passed over', {
      credentialSubject: [null, 'did:example:holder', [], { achievement: [null, 'achievement', { alignment: [null, BRICKLAYING, [alignment(PLASTERING)], alignment(BRICKLAYING)] }] }],
    }, [BRICKLAYING]],
  ];
  for (const [what, credential, expected] of cases) t.same(heldSkillsOf(credential), expected, what);
});
