import t from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp, sqlRows, sqlRun } from '../helpers/app.js';
import fs from 'node:fs';
import { entryHash } from '../../src/audit/auditLog.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { waitForBatch } from '../helpers/batches.js';

type Json = Record<string, any>;

async function issue(ctx: TestApp, auth: Json, options: Json = {}) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation', ...options } } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().verifiableCredential as Json;
}

function setStatus(ctx: TestApp, auth: Json, credentialId: string, statusPurpose: string, status: boolean) {
  return ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose }, status },
  });
}

async function auditOf(ctx: TestApp, slug: string, query = '') {
  const response = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/audit${query}`, headers: ctx.admin });
  return { response, body: response.json() as Json };
}

async function verifyChain(ctx: TestApp, slug: string, query = '') {
  const response = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/audit/verify${query}`, headers: ctx.admin });
  return response.json() as { valid: boolean; brokenAt: number | null; reason: string | null; entries: number; message: string; head: { seq: number; hash: string } | null };
}


/** An organisation with a history: issuance, suspension and its lifting, revocation, a key rotated, a token revoked. */
async function organisationWithHistory(ctx: TestApp) {
  const { slug, auth } = await ctx.issuer();
  const vc = await issue(ctx, auth, { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } });
  await setStatus(ctx, auth, vc.id, 'suspension', true);
  await setStatus(ctx, auth, vc.id, 'suspension', false);
  await setStatus(ctx, auth, vc.id, 'revocation', true);
  await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: ctx.admin, payload: { algorithm: 'Ed25519' } });
  const token = await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/tokens`, headers: ctx.admin, payload: { scopes: ['issue'], label: 'temp' } });
  await ctx.app.inject({ method: 'DELETE', url: `/orgs/${slug}/tokens/${token.json().id}`, headers: ctx.admin });
  return { slug, auth, vc, tokenId: token.json().id as string };
}

t.test('every issuance, status change, key rotation and token change is logged, in order, with its actor', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, vc, tokenId } = await organisationWithHistory(ctx);
  const { response, body } = await auditOf(ctx, slug);
  t.equal(response.statusCode, 200, 'the log is listed', { body });
  const actions = body.entries.map((e: Json) => e.action);
  t.same(actions, [
    'token.created', // the issue+status token made by the test helper
    'credential.issued', 'credential.suspended', 'credential.suspension-lifted', 'credential.revoked',
    'key.rotated', 'token.created', 'token.revoked',
  ]);
  t.same(body.entries.map((e: Json) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8]);
  const issued = body.entries[1];
  t.equal(issued.subject, vc.id);
  t.match(issued.details, { format: 'eddsa-rdfc-2022', types: ['VerifiableCredential', 'OpenBadgeCredential'] });
  t.match(issued.details.sha256, /^[0-9a-f]{64}$/);
  const issuingToken = (await ctx.services.repos.tokens.listFor((await ctx.services.repos.organisations.bySlug(slug))!.id))[0]!;
  t.equal(issued.actorTokenId, issuingToken.id, 'the issuing token is the actor');
  t.equal(body.entries[7].subject, tokenId);
  t.equal(body.entries[0].prevHash, '0'.repeat(64));
  for (let i = 1; i < body.entries.length; i++) t.equal(body.entries[i].prevHash, body.entries[i - 1].hash, `entry ${i + 1} links to entry ${i}`);
  const check = await verifyChain(ctx, slug);
  t.match(check, { valid: true, entries: 8, brokenAt: null, reason: null, head: { seq: 8, hash: body.entries[7].hash } });
  t.match(check.message, /\b8\b/, 'the answer says how many entries check out', { check });
  const anchored = await verifyChain(ctx, slug, `?anchorSeq=5&anchorHash=${body.entries[4].hash}`);
  t.match(anchored, { valid: true, entries: 8, head: { seq: 8 } }, 'an anchor inside the log checks out');
  t.ok(anchored.message.startsWith(check.message) && /\b5\b/.test(anchored.message.slice(check.message.length)),
    'with an anchor, the same answer also names the anchor\'s entry', { check, anchored });
});

t.test('an organisation that has done nothing has an empty log, which checks out with no head', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await ctx.createOrganisation('quiet-centre');
  t.same((await auditOf(ctx, slug)).body.entries, [], 'nothing is listed');
  const check = await verifyChain(ctx, slug);
  t.match(check, { valid: true, entries: 0, brokenAt: null, reason: null, head: null });
  t.match(check.message, /empty/, 'the answer says the log is empty', { check });
});

t.test('a key rotation\'s entry names the new key, its algorithm and public key, and the key it retires, if any', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, did } = await ctx.issuer();
  // As the migration leaves an organisation created before P-256 keys: its one Ed25519 key, so P-256 gets its first.
  await sqlRun(ctx.services, `DELETE FROM organisation_keys WHERE algorithm = 'P-256' AND verification_method LIKE ?`, `${did}#%`);
  const rotation = await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: ctx.admin });
  t.equal(rotation.statusCode, 200, 'both keys rotated', { body: rotation.body });
  const keys = rotation.json().keys as Json[];
  const rotated = (await auditOf(ctx, slug)).body.entries.filter((e: Json) => e.action === 'key.rotated');
  t.equal(rotated.length, 2, 'one entry per new key');
  const ed25519 = keys.find((key) => key.algorithm === 'Ed25519')!;
  const p256 = keys.find((key) => key.algorithm === 'P-256')!;
  const entryFor = (key: Json) => rotated.find((e: Json) => e.subject === key.verificationMethod);
  t.same(entryFor(ed25519)?.details, { retired: `${did}#key-1`, algorithm: 'Ed25519', publicKeyMultibase: ed25519.publicKeyMultibase }, 'the Ed25519 key retires the first key');
  t.same(entryFor(p256)?.details, { retired: null, algorithm: 'P-256', publicKeyMultibase: p256.publicKeyMultibase }, 'the first P-256 key retires none');
  t.equal((await verifyChain(ctx, slug)).valid, true);
});

t.test('a batch logs each credential it issues, and a batch that issues nothing logs nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth } = await ctx.issuer();
  await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/achievements`, headers: auth, payload: MASONRY_ACHIEVEMENT });
  const rows = cohort(3);
  const submit = (payload: string) => ctx.app.inject({ method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload });
  const first = await submit(toCsv(rows));
  t.equal(first.statusCode, 202, 'accepted', { body: first.body });
  t.match((await waitForBatch(ctx.app, auth, first.json().id, { timeoutMs: 20_000 })).counts, { issued: 3, failed: 0 });
  const issuedEntries = () => auditOf(ctx, slug).then(({ body }) => body.entries.filter((e: Json) => e.action === 'credential.issued'));
  const issued = await issuedEntries();
  t.equal(issued.length, 3, 'one entry per credential');
  t.same(issued.map((e: Json) => e.seq), [2, 3, 4], 'in one run of the chain, after the token\'s entry');
  t.match(await verifyChain(ctx, slug), { valid: true, entries: 4 });

  // The same recipients in another file: every row is skipped as already issued.
  const again = await submit(toCsv([...rows].reverse()));
  t.equal(again.statusCode, 202, 'accepted', { body: again.body });
  t.match((await waitForBatch(ctx.app, auth, again.json().id, { timeoutMs: 20_000 })).counts, { issued: 0, skipped: 3, failed: 0 });
  t.equal((await issuedEntries()).length, 3, 'nothing more logged');
  t.match(await verifyChain(ctx, slug), { valid: true, entries: 4 });
});

t.test('appends to the same two organisations\' chains at once, in opposite orders, all commit', async (t) => {
  const ctx = await buildTestApp(t);
  const ids = await Promise.all(['centre-a', 'centre-b'].map(async (slug) => {
    await ctx.createOrganisation(slug);
    return (await ctx.services.repos.organisations.bySlug(slug))!.id;
  }));
  const event = (organisationId: string, subject: string) => ({ organisationId, actorTokenId: null, action: 'key.rotated' as const, subject });
  const rounds = 5;
  for (let round = 0; round < rounds; round++) {
    // On PostgreSQL each append locks the chains it extends: taken in two orders, these two would wait on each other.
    await Promise.all([
      ctx.services.audit.appendAll([event(ids[0]!, `a${round}`), event(ids[1]!, `b${round}`)]),
      ctx.services.audit.appendAll([event(ids[1]!, `b${round}'`), event(ids[0]!, `a${round}'`)]),
    ]);
  }
  for (const slug of ['centre-a', 'centre-b']) t.match(await verifyChain(ctx, slug), { valid: true, entries: 2 * rounds }, slug);
});

t.test('a log longer than one page of the check is checked to its end, links across pages included', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await ctx.createOrganisation('busy-centre');
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  const length = 1001;
  await ctx.services.audit.appendAll(Array.from({ length }, (_, i) => ({ organisationId, actorTokenId: null, action: 'key.rotated' as const, subject: `key ${i + 1}` })));
  const check = await verifyChain(ctx, slug);
  t.match(check, { valid: true, entries: length, head: { seq: length } }, 'every entry checks out');
  const [last] = await sqlRows<Json>(ctx.services, 'SELECT hash FROM audit_entries WHERE organisation_id = ? AND seq = ?', organisationId, length);
  t.equal(check.head?.hash, last!.hash, 'the head is the last entry');
  await rewriteOneEntry(ctx, organisationId, 1001, { prevHash: 'f'.repeat(64) });
  t.match(await verifyChain(ctx, slug), { valid: false, brokenAt: 1001, reason: 'broken-link', entries: 1000 }, 'a link broken across pages is found');
});

t.test('a refused change leaves no entry, and a change that changes nothing logs nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth } = await ctx.issuer();
  const vc = await issue(ctx, auth);
  t.equal((await setStatus(ctx, auth, vc.id, 'revocation', true)).statusCode, 200);
  t.equal((await setStatus(ctx, auth, vc.id, 'revocation', true)).json().changed, false);
  t.equal((await setStatus(ctx, auth, vc.id, 'revocation', false)).json().code, 'revocation-is-final');
  const { body } = await auditOf(ctx, slug);
  t.same(body.entries.map((e: Json) => e.action), ['token.created', 'credential.issued', 'credential.revoked']);
});

t.test('changing a past entry directly in SQLite is detected, at that entry', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await organisationWithHistory(ctx);
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  t.equal((await verifyChain(ctx, slug)).valid, true);
  await sqlRun(ctx.services, `UPDATE audit_entries SET action = 'credential.suspended' WHERE organisation_id = ? AND seq = 5`, organisationId);
  const check = await verifyChain(ctx, slug);
  t.match(check, { valid: false, brokenAt: 5, reason: 'hash-mismatch' });
  t.match(check.message, /\b5\b/, 'the answer names the changed entry', { check });
  const listed = await auditOf(ctx, slug, '?verify=true');
  t.match(listed.body.verification, { valid: false, brokenAt: 5 }, 'the listing reports it too');
});

t.test('editing details, the time or the actor is detected as well', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await organisationWithHistory(ctx);
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  const edits = [
    `UPDATE audit_entries SET details = '{"format":"vc+jwt"}' WHERE organisation_id = ? AND seq = 2`,
    `UPDATE audit_entries SET at = '2020-01-01T00:00:00.000Z' WHERE organisation_id = ? AND seq = 3`,
    `UPDATE audit_entries SET actor_token_id = 'someone-else' WHERE organisation_id = ? AND seq = 4`,
  ];
  for (const [i, edit] of edits.entries()) {
    const [before] = await sqlRows<Json>(ctx.services, 'SELECT * FROM audit_entries WHERE organisation_id = ? AND seq = ?', organisationId, i + 2);
    await sqlRun(ctx.services, edit, organisationId);
    t.match(await verifyChain(ctx, slug), { valid: false, brokenAt: i + 2, reason: 'hash-mismatch' }, edit);
    await sqlRun(ctx.services, 'UPDATE audit_entries SET details = ?, at = ?, actor_token_id = ? WHERE organisation_id = ? AND seq = ?',
      storedJson(before!.details), before!.at, before!.actor_token_id, organisationId, i + 2);
    t.equal((await verifyChain(ctx, slug)).valid, true, 'restoring the entry restores the chain');
  }
});

/** Stores a row with fresh values and re-hashes that row alone, so its own hash checks out. */
async function rewriteOneEntry(ctx: TestApp, organisationId: string, seq: number, change: { action?: string; prevHash?: string }) {
  const [row] = await sqlRows<Json>(ctx.services, 'SELECT * FROM audit_entries WHERE organisation_id = ? AND seq = ?', organisationId, seq);
  const entry = {
    organisationId, seq, at: row!.at, actorTokenId: row!.actor_token_id, action: change.action ?? row!.action,
    subject: row!.subject, details: parsedJson(row!.details), prevHash: change.prevHash ?? row!.prev_hash,
  };
  await sqlRun(ctx.services, 'UPDATE audit_entries SET action = ?, prev_hash = ?, hash = ? WHERE organisation_id = ? AND seq = ?',
    entry.action, entry.prevHash, entryHash(entry), organisationId, seq);
}

/** JSON columns come back as text from SQLite and parsed from PostgreSQL. */
const parsedJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
const storedJson = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

t.test('one entry rewritten and re-hashed on its own breaks the link from the next entry', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await organisationWithHistory(ctx);
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  await rewriteOneEntry(ctx, organisationId, 5, { action: 'credential.suspended' });
  const check = await verifyChain(ctx, slug);
  t.match(check, { valid: false, brokenAt: 6, reason: 'broken-link', entries: 5 });
  t.match(check.message, /\b6\b.*\b5\b/, 'the answer names the entry and the one it no longer points to', { check });
});

t.test('an edited prev_hash is a hash mismatch, and re-hashed it is a broken link at that entry', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await organisationWithHistory(ctx);
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  const foreignHash = 'f'.repeat(64);
  await sqlRun(ctx.services, 'UPDATE audit_entries SET prev_hash = ? WHERE organisation_id = ? AND seq = 4', foreignHash, organisationId);
  t.match(await verifyChain(ctx, slug), { valid: false, brokenAt: 4, reason: 'hash-mismatch' });
  await rewriteOneEntry(ctx, organisationId, 4, { prevHash: foreignHash });
  t.match(await verifyChain(ctx, slug), { valid: false, brokenAt: 4, reason: 'broken-link', entries: 3 });
});

t.test('a deleted entry is a gap; a chain rewritten with fresh hashes is caught by an anchor kept earlier', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await organisationWithHistory(ctx);
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  const anchor = (await verifyChain(ctx, slug)).head!;

  // Rewrite entry 5 and re-hash everything after it, as someone with write access to the database could.
  const rows = await sqlRows<Json>(ctx.services, 'SELECT * FROM audit_entries WHERE organisation_id = ? ORDER BY seq', organisationId);
  let prevHash = rows[3]!.hash as string;
  for (const row of rows.slice(4)) {
    // PostgreSQL returns bigint columns as text.
    const seq = Number(row.seq);
    const entry = {
      organisationId, seq, at: row.at, actorTokenId: row.actor_token_id,
      action: seq === 5 ? 'credential.suspended' : row.action, subject: row.subject, details: parsedJson(row.details), prevHash,
    };
    const hash = entryHash(entry);
    await sqlRun(ctx.services, 'UPDATE audit_entries SET action = ?, prev_hash = ?, hash = ? WHERE organisation_id = ? AND seq = ?',
      entry.action, prevHash, hash, organisationId, seq);
    prevHash = hash;
  }
  t.equal((await verifyChain(ctx, slug)).valid, true, 'without an anchor, a consistent rewrite cannot be told apart');
  const anchored = await verifyChain(ctx, slug, `?anchorSeq=${anchor.seq}&anchorHash=${anchor.hash}`);
  t.match(anchored, { valid: false, brokenAt: anchor.seq, reason: 'anchor-mismatch' });
  t.match(anchored.message, new RegExp(`\\b${anchor.seq}\\b`), 'the answer names the anchor\'s entry', { anchored });

  await sqlRun(ctx.services, 'DELETE FROM audit_entries WHERE organisation_id = ? AND seq = 3', organisationId);
  const gap = await verifyChain(ctx, slug);
  t.match(gap, { valid: false, brokenAt: 3, reason: 'sequence-gap' });
  t.match(gap.message, /\b3\b.*\b4\b/, 'the answer names the missing entry and the next one', { gap });
});

t.test('an anchor past the end of the log means entries were removed from its end', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug } = await organisationWithHistory(ctx);
  const head = (await verifyChain(ctx, slug)).head!;
  const organisationId = (await ctx.services.repos.organisations.bySlug(slug))!.id;
  await sqlRun(ctx.services, 'DELETE FROM audit_entries WHERE organisation_id = ? AND seq = ?', organisationId, head.seq);
  const check = await verifyChain(ctx, slug, `?anchorSeq=${head.seq}&anchorHash=${head.hash}`);
  t.match(check, { valid: false, brokenAt: head.seq, reason: 'anchor-mismatch', head: null });
  t.match(check.message, new RegExp(`\\b${head.seq}\\b`), 'the answer names the anchor\'s entry', { check });
});

t.test('the log is paged and readable only with the organisation\'s admin scope', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth } = await organisationWithHistory(ctx);
  const first = await auditOf(ctx, slug, '?limit=3');
  t.equal(first.body.entries.length, 3);
  t.equal(first.body.next, `/orgs/${slug}/audit?after=3&limit=3`);
  const rest = await ctx.app.inject({ method: 'GET', url: `${first.body.next}`, headers: ctx.admin });
  t.same(rest.json().entries.map((e: Json) => e.seq), [4, 5, 6]);
  const issueToken = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/audit`, headers: auth });
  t.equal(issueToken.statusCode, 403);
  t.equal(issueToken.json().code, 'forbidden');
  await ctx.createOrganisation('other-centre');
  const otherAdmin = await ctx.tokenFor('other-centre', ['admin']);
  const foreign = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/audit`, headers: { authorization: `Bearer ${otherAdmin}` } });
  t.equal(foreign.statusCode, 403);
  t.match(foreign.json(), { code: 'forbidden', detail: /another organisation/ });
  const badLimit = await auditOf(ctx, slug, '?limit=0');
  t.equal(badLimit.body.code, 'invalid-limit');
  const halfAnchor = await verifyChain(ctx, slug, '?anchorSeq=2') as unknown as Json;
  t.equal(halfAnchor.code, 'incomplete-anchor');
  const own = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/audit/verify`, headers: { authorization: `Bearer ${await ctx.tokenFor(slug, ['admin'])}` } });
  t.equal(own.statusCode, 200);
});

t.test('the entry hash sorts keys at every depth and ignores how the details were built', async (t) => {
  const entry = { organisationId: 'o', seq: 1, at: '2026-01-01T00:00:00.000Z', actorTokenId: null, action: 'key.rotated', subject: 's', prevHash: '0'.repeat(64) };
  t.equal(entryHash({ ...entry, details: { b: 1, a: { d: [true, null, 'x'], c: 'é' } } }), entryHash({ ...entry, details: { a: { c: 'é', d: [true, null, 'x'] }, b: 1 } }));
  t.equal(entryHash({ ...entry, details: { a: undefined, b: 1 } }), entryHash({ ...entry, details: { b: 1 } }));
  t.throws(() => entryHash({ ...entry, details: { n: Number.NaN } }), 'NaN has no canonical form');
});

/**
 * A chain written by the hand-written canonical JSON that came before RFC 8785's library (test/fixtures/audit): its
 * hashes are stored for good, so today's serialisation must give the same bytes for every shape the log holds.
 */
t.test('a chain stored before the switch to the JCS library still checks out, entry by entry', async (t) => {
  const fixture = JSON.parse(fs.readFileSync(new URL('../fixtures/audit/chain-before-jcs.json', import.meta.url), 'utf8')) as { organisation: Json; rows: Json[] };
  const ctx = await buildTestApp(t);
  const { id, slug, did } = fixture.organisation;
  await sqlRun(ctx.services, `INSERT INTO organisations (id, slug, name, country, kind, did_method, did, created_at) VALUES (?, ?, '{"en":"Before JCS"}', 'MA', 'training-centre', 'web', ?, '2026-11-30T00:00:00.000Z')`, id, slug, did);
  for (const row of fixture.rows) {
    await sqlRun(ctx.services, 'INSERT INTO audit_entries (organisation_id, seq, at, actor_token_id, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.organisation_id, row.seq, row.at, row.actor_token_id, row.action, row.subject, row.details, row.prev_hash, row.hash);
  }
  for (const entry of await ctx.services.repos.audit.page(id, 0)) {
    const { hash, ...unhashed } = entry;
    t.equal(entryHash(unhashed), hash, `entry ${entry.seq} (${entry.action}) hashes as it did`);
  }
  const head = fixture.rows.at(-1)!;
  t.match(await verifyChain(ctx, slug, `?anchorSeq=${head.seq}&anchorHash=${head.hash}`), { valid: true, entries: fixture.rows.length, head: { seq: head.seq, hash: head.hash } });
  const appended = await ctx.services.audit.append({ organisationId: id, actorTokenId: null, action: 'key.rotated', subject: 'after the switch' });
  t.equal(appended.prevHash, head.hash, 'a new entry extends the old chain');
  t.match(await verifyChain(ctx, slug), { valid: true, entries: fixture.rows.length + 1 });
});

t.test('a lone surrogate, which canonical JSON cannot hash, is refused before anything is signed or logged', async (t) => {
  const ctx = await buildTestApp(t);
  const { slug, auth } = await ctx.issuer();
  const before = (await auditOf(ctx, slug)).body.entries.length;
  const body = JSON.stringify({ credential: openBadgeCredential({ id: 'urn:x:LONE' }), options: { issuer: 'organisation' } });
  for (const payload of [body.replace('LONE', '\\ud800'), body.replace('"name"', '"na\\udc00me"')]) {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { ...auth, 'content-type': 'application/json' }, payload });
    t.equal(response.statusCode, 400);
    t.match(response.json(), { code: 'invalid-unicode', detail: /\/credential\/(id|na.me)/ });
  }
  const pair = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: { ...auth, 'content-type': 'application/json' }, payload: body.replace('LONE', '\\ud83d\\ude00') });
  t.equal(pair.statusCode, 201, 'a surrogate pair is a character like any other');
  t.equal((await auditOf(ctx, slug)).body.entries.length, before + 1, 'only the well-formed issuance is logged');
});
