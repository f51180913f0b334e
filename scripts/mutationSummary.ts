// Turns the slices' StrykerJS reports (mutation-testing-report-schema) into docs/mutation-testing.md: the score per
// slice and per file, the surviving mutants judged equivalent with why (docs/mutation/equivalent-mutants.json), and
// every other survivor, which is a test still to write.
import fs from 'node:fs';
import path from 'node:path';

type Status = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
interface Position { line: number; column: number }
interface MutantResult { id: string; mutatorName: string; replacement?: string; status: Status; location: { start: Position; end: Position } }
interface Report { files: Record<string, { source: string; mutants: MutantResult[] }> }
/** `original`, the mutated code, tells apart mutants of one kind on the same line (an operand and the whole condition). */
interface EquivalentMutant { file: string; line: number; mutator: string; replacement: string; original?: string; why: string }
interface Counts { detected: number; timeouts: number; undetected: number; equivalent: number; invalid: number }
export interface SliceTiming { finishedAt: string; wallSeconds: number; loadAverage: number[] }

const MINIMUM_SCORE = 80;

export interface MutationSlice { name: string; mutate: string[]; testFiles: string[] }
export const mutationSlices: MutationSlice[] = JSON.parse(fs.readFileSync(new URL('./mutation-slices.json', import.meta.url), 'utf8'));

export function summariseMutationReports(reportsDir: string) {
  const equivalentsFile = path.join(reportsDir, 'equivalent-mutants.json');
  const equivalents: EquivalentMutant[] = fs.existsSync(equivalentsFile) ? JSON.parse(fs.readFileSync(equivalentsFile, 'utf8')) : [];
  const usedEquivalents = new Set<EquivalentMutant>();
  const sliceRows: string[] = [];
  const fileRows: string[] = [];
  const equivalentRows: string[] = [];
  const survivorSections: string[] = [];
  const total: Counts = { detected: 0, timeouts: 0, undetected: 0, equivalent: 0, invalid: 0 };
  const missing: string[] = [];

  for (const slice of mutationSlices) {
    const reportFile = path.join(reportsDir, `${slice.name}.json`);
    if (!fs.existsSync(reportFile)) {
      missing.push(slice.name);
      continue;
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
    const sliceCounts: Counts = { detected: 0, timeouts: 0, undetected: 0, equivalent: 0, invalid: 0 };
    for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
      const lines = source.split('\n');
      const counts: Counts = { detected: 0, timeouts: 0, undetected: 0, equivalent: 0, invalid: 0 };
      const survivors: string[] = [];
      for (const mutant of [...mutants].sort((a, b) => a.location.start.line - b.location.start.line)) {
        if (mutant.status === 'Killed' || mutant.status === 'Timeout') {
          counts.detected++;
          if (mutant.status === 'Timeout') counts.timeouts++;
        }
        else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
          const equivalent = equivalents.find((candidate) => candidate.file === file && candidate.line === mutant.location.start.line
            && candidate.mutator === mutant.mutatorName && candidate.replacement === (mutant.replacement ?? '')
            && (candidate.original === undefined || candidate.original === original(lines, mutant)));
          if (equivalent) {
            counts.equivalent++;
            usedEquivalents.add(equivalent);
            equivalentRows.push(`| ${file}:${equivalent.line} | ${equivalent.mutator} | ${code(original(lines, mutant))} → ${code(mutant.replacement)} | ${equivalent.why} |`);
          } else {
            counts.undetected++;
            const noCoverage = mutant.status === 'NoCoverage' ? ' (no test reaches it)' : '';
            survivors.push(`- ${mutant.location.start.line}: ${mutant.mutatorName} ${code(original(lines, mutant))} → ${code(mutant.replacement)}${noCoverage}`);
          }
        } else if (mutant.status !== 'Ignored' && mutant.status !== 'Pending') counts.invalid++;
      }
      fileRows.push(`| ${file} | ${row(counts)} |`);
      if (survivors.length > 0) survivorSections.push(`### ${file}\n\n${survivors.join('\n')}\n`);
      add(sliceCounts, counts);
    }
    add(total, sliceCounts);
    const timingFile = path.join(reportsDir, `${slice.name}.timing.json`);
    const timing: SliceTiming | undefined = fs.existsSync(timingFile) ? JSON.parse(fs.readFileSync(timingFile, 'utf8')) : undefined;
    const when = timing ? `${timing.finishedAt.slice(0, 16).replace('T', ' ')} UTC, ${minutes(timing.wallSeconds)}, load ${timing.loadAverage.map((value) => value.toFixed(1)).join(' ')}` : 'not recorded';
    sliceRows.push(`| ${slice.name} | ${row(sliceCounts)} | ${when} |`);
  }

  const stale = equivalents.filter((equivalent) => !usedEquivalents.has(equivalent));
  const overview = [
    `Mutation score over the slices run: ${score(total, false)} as StrykerJS counts it, ${score(total, true)} without the ${total.equivalent} mutants judged equivalent (target ${MINIMUM_SCORE}%).`,
    missing.length > 0 ? `Slices not run yet: ${missing.join(', ')}.` : 'Every slice has been run.',
    stale.length > 0 ? `${stale.length} entries of equivalent-mutants.json match no surviving mutant any more: review them.` : '',
  ].filter(Boolean).join('\n');

  const markdown = `# Mutation testing of the core

Generated by \`npm run test:mutation\` (scripts/mutation.ts) from the StrykerJS reports in \`docs/mutation/\`; do not edit
by hand. Each slice mutates one area of the core and runs the test files written about it (scripts/mutation-slices.json).
A mutant is *detected* when a test fails with it, or when its tests run 3 times as long as without it plus 15 s (a
*timeout*: a loop that no longer ends, or a test slowed by a busy machine, which is why timeouts are counted apart).
It is *undetected* when every test passes (or none reaches it), *invalid* when it does not compile or load.
Score = detected / (detected + undetected); the second score leaves out the mutants judged equivalent (no test can
tell them apart from the original: the reasons are listed below).

${overview}

## Slices

| slice | detected | of which timeouts | undetected | equivalent | invalid | score | without equivalents | last run |
|---|---|---|---|---|---|---|---|---|
${sliceRows.join('\n')}
| **all** | ${row(total)} | |

## Files

| file | detected | of which timeouts | undetected | equivalent | invalid | score | without equivalents |
|---|---|---|---|---|---|---|---|
${fileRows.join('\n')}

## Surviving mutants judged equivalent

${equivalentRows.length > 0 ? `| where | mutator | change | why no test can tell |\n|---|---|---|---|\n${equivalentRows.join('\n')}` : 'None so far.'}

## Surviving mutants still to kill

${survivorSections.length > 0 ? survivorSections.join('\n') : 'None.'}
`;
  return { markdown, overview };
}

function add(into: Counts, counts: Counts) {
  into.detected += counts.detected;
  into.timeouts += counts.timeouts;
  into.undetected += counts.undetected;
  into.equivalent += counts.equivalent;
  into.invalid += counts.invalid;
}

function row(counts: Counts) {
  return `${counts.detected} | ${counts.timeouts} | ${counts.undetected} | ${counts.equivalent} | ${counts.invalid} | ${score(counts, false)} | ${score(counts, true)}`;
}

function score(counts: Counts, withoutEquivalents: boolean) {
  const undetected = counts.undetected + (withoutEquivalents ? 0 : counts.equivalent);
  const valid = counts.detected + undetected;
  return valid === 0 ? 'n/a' : `${((100 * counts.detected) / valid).toFixed(1)}%`;
}

function original(lines: string[], mutant: MutantResult) {
  const { start, end } = mutant.location;
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column - 1, end.column - 1) ?? '';
  return `${lines[start.line - 1]?.slice(start.column - 1) ?? ''} …`;
}

function code(text: string | undefined) {
  const oneLine = (text ?? '').replace(/\s+/g, ' ').trim();
  const short = oneLine.length > 70 ? `${oneLine.slice(0, 67)}…` : oneLine;
  return `\`${short.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function minutes(seconds: number) {
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
