/**
 * The holder named at issuance (options.holder), called directly: which e-mail addresses, phone numbers and DIDs are
 * taken, what is kept for the claim page (the name, and the contact masked), and each refusal word for word.
 */
import t from 'tap';
import { holderDetailsOf, maskEmail, maskPhone, type HolderInput } from '../../src/wallet/holder.js';

const outcome = (input: HolderInput): unknown => {
  try {
    return holderDetailsOf(input);
  } catch (error) {
    const { code, detail } = error as { code: string; detail: string };
    return { code, detail };
  }
};
const refused = (detail: string) => ({ code: 'invalid-holder', detail });
const notEmail = (email: string) => refused(`options.holder.email "${email}" is not an e-mail address`);
const notPhone = (phone: string) => refused(`options.holder.phone "${phone}" is not a phone number; use international form, e.g. +212 612 345 678`);
const notDid = (did: string) => refused(`options.holder.did "${did}" is not a DID (did:<method>:<identifier>)`);
const incomplete = refused('options.holder needs a name and an e-mail or phone number, or a did');

t.test('what is kept: the name trimmed, the contact masked, the DID', async (t) => {
  const cases: Array<[string, HolderInput, unknown]> = [
    ['a name and an e-mail address', { name: '  Aminata Diallo ', email: 'aminata.diallo@example.sn' }, { name: 'Aminata Diallo', contactHint: 'a***@example.sn' }],
    ['a name and a phone number', { name: 'Kofi Mensah', phone: '+233 20 123 4567' }, { name: 'Kofi Mensah', contactHint: '+233****67' }],
    ['a phone number without +', { name: 'Kofi Mensah', phone: '020 123-4567' }, { name: 'Kofi Mensah', contactHint: '020****67' }],
    ['six digits, the fewest taken', { name: 'Kofi Mensah', phone: '(12) 34.56' }, { name: 'Kofi Mensah', contactHint: '123****56' }],
    ['both: the e-mail address is shown', { name: 'Kofi Mensah', email: 'kofi@example.gh', phone: '+233 20 123 4567' }, { name: 'Kofi Mensah', contactHint: 'k***@example.gh' }],
    ['a DID alone', { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }, { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }],
    ['a DID with a name', { name: 'Kofi Mensah', did: 'did:web:example.gh:people:kofi%20m' }, { name: 'Kofi Mensah', did: 'did:web:example.gh:people:kofi%20m' }],
  ];
  for (const [what, input, expected] of cases) t.same(outcome(input), expected, what);
});

t.test('what is refused, and why', async (t) => {
  const cases: Array<[string, HolderInput, unknown]> = [
    ['an e-mail address with text before it', { name: 'Kofi', email: 'write to kofi@example.gh' }, notEmail('write to kofi@example.gh')],
    ['an e-mail address with text after it', { name: 'Kofi', email: 'kofi@example.gh or call' }, notEmail('kofi@example.gh or call')],
    ['an e-mail address without a domain', { name: 'Kofi', email: 'kofi@localhost' }, notEmail('kofi@localhost')],
    ['a phone number with words before it', { name: 'Kofi', phone: 'tel +233 20 123 4567' }, notPhone('tel +233 20 123 4567')],
    ['a phone number with words after it', { name: 'Kofi', phone: '+233 20 123 4567 home' }, notPhone('+233 20 123 4567 home')],
    ['five digits', { name: 'Kofi', phone: '12 - 34 - 5' }, notPhone('12 - 34 - 5')],
    ['a DID with text before it', { did: 'my did:key:z6Mk' }, notDid('my did:key:z6Mk')],
    ['a DID with a path after it', { did: 'did:web:example.gh/kofi' }, notDid('did:web:example.gh/kofi')],
    ['a name of spaces', { name: '   ', email: 'kofi@example.gh' }, incomplete],
    ['a contact without a name', { email: 'kofi@example.gh' }, incomplete],
    ['nothing', {}, incomplete],
  ];
  for (const [what, input, expected] of cases) t.same(outcome(input), expected, what);
});

t.test('masks', async (t) => {
  t.equal(maskEmail('aminata@example.sn'), 'a***@example.sn', 'an e-mail address: its first letter and its domain');
  t.equal(maskPhone(' +212 612-345-678 '), '+212****78', 'a phone number: the + and three digits first, two last');
  t.equal(maskPhone('0612 345 678'), '061****78', 'without +');
});
