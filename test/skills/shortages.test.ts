import t from 'tap';
import { readdirSync } from 'node:fs';
import { getOccupation, listIscoGroups } from '../../src/skills/catalogue.js';
import { shortageLists, shortageListsFor } from '../../src/skills/shortages.js';

const ISO_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const unitGroups = new Set(listIscoGroups().filter((group) => group.level === 'unit').map((group) => group.code));
const lists = shortageLists();

t.test('every data file is loaded once, with a unique id', async (t) => {
  const files = readdirSync(new URL('../../data/shortages/', import.meta.url)).filter((name) => name.endsWith('.json'));
  t.equal(lists.length, files.length);
  t.equal(new Set(lists.map((list) => list.id)).size, lists.length);
  t.same(files.sort(), lists.map((list) => `${list.id}.json`).sort(), 'file name is the id');
});

t.test('every list has a source with URL and dates', async (t) => {
  for (const { id, source, country } of lists) {
    t.match(source.url, /^https:\/\//, `${id} url`);
    t.ok(source.publisher.trim() && source.title.trim(), `${id} publisher and title`);
    t.match(source.published, ISO_DATE, `${id} published`);
    t.match(source.retrieved, /^\d{4}-\d{2}-\d{2}$/, `${id} retrieved`);
    t.match(country, /^[A-Z]{2}$/, `${id} country`);
  }
});

t.test('only the explicit "none published" records have no entries', async (t) => {
  for (const list of lists) {
    if (list.nonePublished) {
      t.equal(list.entries.length, 0, `${list.id} none-published has no entries`);
      t.ok(list.nonePublished.searched && list.nonePublished.found, `${list.id} says what was searched`);
    } else {
      t.ok(list.entries.length > 0, `${list.id} has entries`);
    }
  }
});

t.test('every entry is an ISCO-08 unit group of data/isco and its ESCO occupations exist under it', async (t) => {
  for (const list of lists) {
    for (const entry of list.entries) {
      t.ok(unitGroups.has(entry.isco), `${list.id} ${entry.isco} is a unit group`);
      t.ok(entry.nationalTitle.trim(), `${list.id} ${entry.isco} has a title`);
      for (const uri of entry.escoOccupations) {
        t.equal(getOccupation(uri).iscoGroup, entry.isco, `${list.id} ${entry.nationalTitle}: ${uri}`);
      }
    }
  }
});

t.test('the corridors are covered: destinations with entries, origins with a list or an explicit none', async (t) => {
  for (const country of ['ES', 'DE', 'BE', 'LT', 'EU']) {
    t.ok(shortageListsFor(country).some((list) => list.entries.length > 0), `${country} listed`);
  }
  for (const country of ['MA', 'SN', 'GH', 'NG', 'AM']) t.ok(shortageListsFor(country).length > 0, `${country} recorded`);
  t.same(shortageListsFor('be').map((list) => list.region).sort(), ['BE-VLG', 'BE-WAL'], 'any case, regions kept');
  t.same(shortageListsFor('FR'), [], 'a country without data');
});

t.test('a malformed country is a 400 invalid-country', async (t) => {
  for (const bad of ['', 'ESP', 'e1']) {
    t.throws(() => shortageListsFor(bad), { code: 'invalid-country', status: 400 }, `"${bad}"`);
  }
});
