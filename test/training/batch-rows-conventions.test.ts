import t from 'tap';
import { isoDateOf, readRecipientFile } from '../../src/training/batchRows.js';
import { toE164 } from '../../src/training/phoneNumbers.js';
import type { Achievement, AchievementDefinition } from '../../src/training/achievements.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';

const achievement: Achievement = {
  organisationId: 'o', id: 'macon-cnc3', version: 1, createdAt: '2025-01-01T00:00:00Z', definition: MASONRY_ACHIEVEMENT as unknown as AchievementDefinition,
};
const TODAY = '2025-12-01';
const read = (csv: string, options: Parameters<typeof readRecipientFile>[4]) => readRecipientFile(Buffer.from(csv, 'utf8'), 'csv', achievement, TODAY, options);

t.test('a cohort list exported by French Excel: French headers, first and last names, national phones, day-first dates', async (t) => {
  const csv = '\uFEFFNom;Prénom;Courriel;Téléphone;Résultat;Date d’obtention\r\n'
    + 'El Idrissi;Amina;amina@example.org;06 12 34 56 78;Merit;20/06/2025\r\n'
    + 'Ouédraogo;Fatou;;+33 (0)6 98 76 54 32;pass;2025-06-30\r\n'
    + 'Diallo;Mamadou;;0033 7 11 22 33 44;pass;1/7/2025\r\n';
  const { rows, errors } = await read(csv, { lang: 'fr', country: 'FR' });
  t.same(errors, []);
  t.same(rows.map((r) => r.recipient.name), ['Amina El Idrissi', 'Fatou Ouédraogo', 'Mamadou Diallo'], 'prénom then nom');
  t.same(rows.map((r) => r.recipient.phone), [undefined, '+33698765432', '+33711223344'].map((p, i) => (i === 0 ? '+33612345678' : p)));
  t.same(rows.map((r) => r.recipient.completedOn), ['2025-06-20', '2025-06-30', '2025-07-01']);
  t.same(rows.map((r) => r.recipient.results), [{ practical: 'merit' }, { practical: 'pass' }, { practical: 'pass' }]);
});

t.test('a Spanish list: nombre and apellidos, correo, teléfono without prefix, resultado', async (t) => {
  const csv = 'Nombre,Apellidos,Correo electrónico,Teléfono,Resultado,Fecha\nKwame,Mensah Boateng,k@example.org,612 345 678,pass,30/06/2025\n';
  const { rows, errors } = await read(csv, { lang: 'es', country: 'ES' });
  t.same(errors, []);
  t.match(rows[0]!.recipient, { name: 'Kwame Mensah Boateng', email: 'k@example.org', phone: '+34612345678', completedOn: '2025-06-30' });
});

t.test('problems are worded in the language asked, with the organisation\'s country for phones', async (t) => {
  const csv = 'nom;prénom;téléphone;date\nTahiri;Nadia;06 12;31/02/2025\n';
  const french = await read(csv, { lang: 'fr', country: 'MA' });
  t.same(french.errors.map((e) => [e.column, e.code]), [['téléphone', 'invalid-phone'], ['date', 'invalid-date']]);
  t.match(french.errors[0]!.problem, /ni un numéro de téléphone de Maroc/);
  t.match(french.errors[0]!.fix, /\+212/);
  t.match(french.errors[1]!.fix, /jour\/mois\/année/);
  const spanish = await read('nombre,correo,color\nAna,ana.example.org,rojo\n', { lang: 'es' });
  t.same(spanish.errors.map((e) => e.code), ['unknown-column', 'invalid-email']);
  t.match(spanish.errors[0]!.problem, /no es una columna que este servicio conozca/);
  t.match(spanish.errors[1]!.problem, /no es una dirección de correo/);
  const arabic = await read('name,email\n"x\n', { lang: 'ar' });
  t.equal(arabic.errors[0]!.code, 'invalid-csv');
  t.match(arabic.errors[0]!.problem, /لا يُغلق/);
  const english = await read('name,phone\nAmina,0612345678\n', {});
  t.match(english.errors[0]!.problem, /international format/, 'without a country a national number cannot be placed');
});

t.test('phone numbers to E.164 with the country\'s calling code and trunk prefix', async (t) => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['06.12.34.56.78', 'MA', '+212612345678'],
    ['612 345 678', 'ES', '+34612345678'],
    ['06 30 123 4567', 'HU', '+36301234567'],
    ['347 123 4567', 'IT', '+393471234567'],
    ['+212 6 12 34 56 78', undefined, '+212612345678'],
    ['00 34 612 345 678', 'FR', '+34612345678'],
    ['+33 (0)6 12 34 56 78', undefined, '+33612345678'],
    ['0612345678', undefined, undefined],
    ['0612345678', 'ZZ', undefined],
    ['12 34', 'FR', undefined],
    ['06 12 AB 56 78', 'FR', undefined],
  ];
  for (const [raw, country, expected] of cases) t.equal(toE164(raw, country), expected, `${raw} in ${country ?? 'no country'}`);
});

t.test('dates: ISO and day/month/year, only real calendar days', async (t) => {
  t.equal(isoDateOf('2025-06-20'), '2025-06-20');
  t.equal(isoDateOf('20/06/2025'), '2025-06-20');
  t.equal(isoDateOf('20.06.2025'), '2025-06-20');
  t.equal(isoDateOf('2/6/2025'), '2025-06-02');
  t.equal(isoDateOf('31/02/2025'), undefined);
  t.equal(isoDateOf('06/20/2025'), undefined, 'month 20 does not exist');
  t.equal(isoDateOf('2025/06/20'), undefined);
});
