/**
 * For a returning worker: the ESCO occupations their certified skills fit, ranked by the share of essential skills
 * covered, each with the missing essential skills, the achievements that teach them, and whether the occupation is on
 * a shortage list of the home country or of the country abroad (data/shortages).
 */
import { findSkill, labelIn, listOccupations } from './catalogue.js';
import { shortageListsFor, type ShortageList } from './shortages.js';
import type { Lang } from './types.js';

export interface AchievementOffer {
  organisationId: string;
  organisationName: string;
  achievementId: string;
  name: string;
  /** ESCO skill URIs the achievement certifies. */
  skills: string[];
}

export interface ShortageMention {
  listId: string;
  country: string;
  region?: string;
  nationalTitle: string;
  publisher: string;
  published: string;
}

export interface MissingSkill {
  uri: string;
  label: string;
  /** Achievements of this service's organisations that certify the skill. */
  offeredBy: AchievementOffer[];
}

export interface JobMatch {
  occupation: { uri: string; code: string; iscoGroup: string; label: string };
  /** covered / assessable essential skills, 0..1. */
  coverage: number;
  covered: number;
  assessable: number;
  missingEssential: MissingSkill[];
  shortage: { home: ShortageMention[]; abroad: ShortageMention[] };
}

/**
 * What the data says about a country's shortage lists: "listed" (at least one list with entries), "none-published"
 * (only explicit "no published list found" records) or "no-data" (nothing recorded, or no country chosen).
 */
export type ShortageData = 'listed' | 'none-published' | 'no-data';

export interface CountryShortages { country: string | undefined; data: ShortageData; lists: ShortageList[] }

export interface JobMatchesParams {
  heldSkills: string[];
  home?: string | undefined;
  abroad?: string | undefined;
  offers?: AchievementOffer[];
  lang?: Lang;
  /** At most this many matches, best first. */
  limit?: number;
}

export interface JobMatches {
  home: CountryShortages;
  abroad: CountryShortages;
  matches: JobMatch[];
}

const DEFAULT_LIMIT = 10;

function countryShortages(country: string | undefined): CountryShortages {
  if (!country) return { country: undefined, data: 'no-data', lists: [] };
  const lists = [...shortageListsFor(country)];
  const data: ShortageData = lists.some((list) => list.entries.length > 0) ? 'listed' : lists.length > 0 ? 'none-published' : 'no-data';
  return { country: country.toUpperCase(), data, lists };
}

function mentionsOf(occupationUri: string, iscoGroup: string, lists: ShortageList[]): ShortageMention[] {
  // An entry names ESCO occupations when passerelle could place its title; otherwise its ISCO unit group stands for all.
  return lists.flatMap((list) => list.entries
    .filter((entry) => entry.escoOccupations.length > 0 ? entry.escoOccupations.includes(occupationUri) : entry.isco === iscoGroup)
    .map((entry) => ({
      listId: list.id, country: list.country, ...(list.region ? { region: list.region } : {}),
      nationalTitle: entry.nationalTitle, publisher: list.source.publisher, published: list.source.published,
    })));
}

/** Occupations sharing at least one essential skill with the held skills, best coverage first. */
export function matchJobs({ heldSkills, home, abroad, offers = [], lang = 'en', limit = DEFAULT_LIMIT }: JobMatchesParams): JobMatches {
  const held = new Set(heldSkills.map((uri) => findSkill(uri)?.uri).filter((uri): uri is string => uri !== undefined));
  const homeData = countryShortages(home);
  const abroadData = countryShortages(abroad);
  const matches: JobMatch[] = [];
  for (const occupation of listOccupations()) {
    const covered = occupation.essentialSkills.filter((uri) => held.has(uri));
    if (covered.length === 0) continue;
    const missing = occupation.essentialSkills.filter((uri) => !held.has(uri));
    matches.push({
      occupation: { uri: occupation.uri, code: occupation.code, iscoGroup: occupation.iscoGroup, label: labelIn(occupation.labels, lang) },
      coverage: covered.length / occupation.essentialSkills.length,
      covered: covered.length,
      assessable: occupation.essentialSkills.length,
      missingEssential: missing.map((uri) => ({
        uri, label: labelIn(findSkill(uri)!.labels, lang), offeredBy: offers.filter((offer) => offer.skills.includes(uri)),
      })),
      shortage: {
        home: mentionsOf(occupation.uri, occupation.iscoGroup, homeData.lists),
        abroad: mentionsOf(occupation.uri, occupation.iscoGroup, abroadData.lists),
      },
    });
  }
  matches.sort((a, b) => b.coverage - a.coverage || b.covered - a.covered || a.occupation.code.localeCompare(b.occupation.code));
  return { home: homeData, abroad: abroadData, matches: matches.slice(0, limit) };
}
