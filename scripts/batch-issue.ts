/**
 * Issues an achievement to every recipient of a CSV or JSON Lines file through the service's HTTP API, with a progress
 * bar. Every row is checked by the service before anything is issued; problems are listed with line, column and fix.
 *
 *   npm run batch -- --achievement macon-cnc3 cohort.csv [--format eddsa-rdfc-2022] [--out credentials.jsonl]
 *     [--sheet claims.html] [--lang fr|ar|es|en] [--hash-names]
 *
 * Writes a printable sheet of claim links (one page per trainee: name, credential title, QR code) next to the file,
 * or to --sheet; --out also gets each credential with its claim link. --lang chooses the language of the service's
 * messages about the file and of the sheet (default: the credential's language, then LANG). --hash-names puts each
 * name in the credentials as a salted hash instead of in clear.
 *
 * Environment: PASSERELLE_URL (default http://localhost:3000) and PASSERELLE_TOKEN (a token with the "issue" scope),
 * or --url and --token.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { claimSheetHtml, credentialLanguage } from '../src/training/claimSheet.js';
import { isPageLang, PAGE_LANGUAGES, type PageLang } from '../src/web/i18n.js';

type Json = Record<string, any>;

const usage = 'usage: npm run batch -- --achievement <id> <file.csv|file.jsonl> [--format eddsa-rdfc-2022|eddsa-jcs-2022|vc+jwt] [--out credentials.jsonl] [--sheet claims.html] [--lang fr|ar|es|en] [--hash-names] [--url URL] [--token TOKEN]';

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    achievement: { type: 'string', short: 'a' },
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    sheet: { type: 'string' },
    lang: { type: 'string' },
    'hash-names': { type: 'boolean' },
    url: { type: 'string' },
    token: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) fail(usage, 0);
const file = positionals[0];
if (!file || !values.achievement) fail(usage);
const baseUrl = (values.url ?? process.env.PASSERELLE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const token = values.token ?? process.env.PASSERELLE_TOKEN;
if (!token) fail('Set PASSERELLE_TOKEN (or --token) to a token of the issuing organisation with the "issue" scope.');
const contentType = /\.(jsonl|ndjson)$/i.test(file) ? 'application/x-ndjson' : /\.csv$/i.test(file) ? 'text/csv' : undefined;
if (!contentType) fail(`Cannot tell the format of ${file}: name it .csv, .jsonl or .ndjson`);
if (!fs.existsSync(file)) fail(`No file ${file}`);
if (values.lang !== undefined && !isPageLang(values.lang)) fail(`--lang must be one of ${PAGE_LANGUAGES.join(', ')}`);
/** --lang, else the language of the shell (LANG=fr_FR.UTF-8 gives fr), for the service's messages about the file. */
const shellLang = process.env.LANG?.slice(0, 2);
const messageLang: PageLang | undefined = (values.lang as PageLang | undefined) ?? (shellLang && isPageLang(shellLang) ? shellLang : undefined);
const sheetPath = values.sheet ?? path.join(path.dirname(file), `${path.basename(file).replace(/\.[^.]+$/, '')}.claims.html`);

async function api(method: string, url: string, body?: Buffer): Promise<{ status: number; json: Json; text: string }> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(messageLang ? { 'accept-language': messageLang } : {}), ...(body ? { 'content-type': contentType! } : {}) },
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
  } catch (error) {
    fail(`Cannot reach ${baseUrl} (${(error as Error).cause ?? (error as Error).message}); is the service running? Set PASSERELLE_URL or --url.`);
  }
  const text = await response.text();
  let json: Json = {};
  try { json = JSON.parse(text) as Json; } catch { /* JSON Lines downloads are parsed by the caller */ }
  return { status: response.status, json, text };
}

function printRowErrors(problem: Json): void {
  process.stderr.write(`\n${problem.detail}\n\n`);
  for (const error of problem.errors ?? []) {
    const where = `line ${error.line}${error.column ? `, column "${error.column}"` : ''}`;
    process.stderr.write(`  ${where}${error.value !== undefined ? ` (${JSON.stringify(error.value)})` : ''}: ${error.problem}\n      fix: ${error.fix}\n`);
  }
  if (problem.errorsOmitted) process.stderr.write(`  ... and ${problem.errorsOmitted} more\n`);
}

const isTty = process.stderr.isTTY;
let lastDecile = -1;
function drawProgress(batch: Json): void {
  const { total, issued, skipped, failed } = batch.counts;
  const done = issued + skipped + failed;
  const fraction = total ? done / total : 1;
  const rate = batch.ratePerSecond ? `${batch.ratePerSecond}/s` : '-/s';
  const eta = batch.estimatedSecondsLeft ? `${Math.floor(batch.estimatedSecondsLeft / 60)}m${String(batch.estimatedSecondsLeft % 60).padStart(2, '0')}s left` : '';
  const line = `${done}/${total} (${issued} issued, ${skipped} already issued, ${failed} failed) ${rate} ${eta}`;
  if (isTty) {
    const width = 30;
    const filled = Math.round(fraction * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}\x1b[K`);
  } else if (Math.floor(fraction * 10) > lastDecile) {
    // Logs and CI output get one line per tenth instead of a redrawn bar.
    lastDecile = Math.floor(fraction * 10);
    process.stderr.write(`${line}\n`);
  }
}

const content = fs.readFileSync(file);
const query = new URLSearchParams({
  achievement: values.achievement, ...(values.format ? { format: values.format } : {}), ...(values['hash-names'] ? { nameInCredential: 'hashed' } : {}),
});
const created = await api('POST', `/batches?${query}`, content);
if (created.status === 400 && Array.isArray(created.json.errors)) {
  printRowErrors(created.json);
  fail(`\nNothing was issued. Fix ${path.basename(file)} and run again.`);
}
if (created.status !== 202 && created.status !== 200) fail(`The service refused the batch (${created.status}): ${created.json.detail ?? created.text}`);
const batchId = created.json.id as string;
process.stderr.write(created.status === 200
  ? `This file was already sent as batch ${batchId}; following it.\n`
  : `Batch ${batchId}: ${created.json.counts.total} recipients, issuing ${values.achievement} (${created.json.credentialFormat}).\n`);

let batch: Json = created.json;
for (;;) {
  drawProgress(batch);
  if (batch.state === 'completed') break;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const polled = await api('GET', `/batches/${batchId}?limit=0`);
  if (polled.status !== 200) fail(`\nCannot read batch ${batchId} (${polled.status}): ${polled.json.detail ?? polled.text}`);
  batch = polled.json;
}
if (isTty) process.stderr.write('\n');

const { issued, skipped, failed } = batch.counts;
process.stdout.write(`Batch ${batchId} completed: ${issued} issued, ${skipped} already issued earlier, ${failed} failed.\n`);
if (failed > 0) {
  const failedRows = (await api('GET', `/batches/${batchId}?state=failed&limit=100`)).json.rows as Json[];
  for (const row of failedRows) process.stdout.write(`  line ${row.line} (${row.name}): ${row.outcome?.detail ?? row.outcome?.code}\n`);
  process.stdout.write(`Retry the failed rows with: curl -X POST -H "Authorization: Bearer $PASSERELLE_TOKEN" ${baseUrl}/batches/${batchId}/retry\n`);
}
// Every issued row, with its claim link: the sheet lists those of this batch (rows skipped as already issued were
// handed out with the batch that issued them).
const download = await api('GET', `/batches/${batchId}/credentials`);
if (download.status !== 200) fail(`Cannot download the credentials of batch ${batchId} (${download.status}): ${download.json.detail ?? download.text}`);
const issuedLines = download.text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Json);
if (values.out) {
  fs.writeFileSync(values.out, download.text);
  process.stdout.write(`Signed credentials and claim links written to ${values.out} (JSON Lines: line, key, name, credentialId, claimUrl, verifiableCredential).\n`);
}
if (issuedLines.length > 0) {
  const first = issuedLines[0]!.verifiableCredential as Json;
  const lang = (values.lang as PageLang | undefined) ?? credentialLanguage(first) ?? messageLang ?? 'fr';
  const issuerName = typeof first.issuer === 'object' ? first.issuer.name : undefined;
  fs.writeFileSync(sheetPath, await claimSheetHtml({
    lang, credentialTitle: String(first.name ?? values.achievement), ...(typeof issuerName === 'string' ? { issuerName } : {}),
    entries: issuedLines.sort((a, b) => a.line - b.line).map((line) => ({ name: String(line.name ?? line.key), claimUrl: String(line.claimUrl) })),
  }));
  process.stdout.write(`Claim links for ${issuedLines.length} trainees: print ${sheetPath} (one page per trainee, with a QR code) and hand each trainee their page.\n`);
}
process.exit(failed > 0 ? 2 : 0);
