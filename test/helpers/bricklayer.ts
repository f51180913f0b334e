import { openBadgeCredential } from './app.js';

const skill = (id: string) => `http://data.europa.eu/esco/skill/${id}`;

/** Five of the nineteen essential skills ESCO gives the bricklayer (7112.1), as a masonry credential certifies them. */
export const BRICKLAYING_SKILLS = [
  skill('13e1c0a2-b90d-46f4-be51-11730360b38d'), // lay bricks
  skill('3e3f2ff8-cf80-4415-ac6a-020d52b175c1'), // split bricks
  skill('b6239792-033c-41ba-b09b-21837655436a'), // check straightness of brick
  skill('ca309d1f-e080-42a3-b828-1c16e74aa9e7'), // finish mortar joints
  skill('bfd96453-f2fd-43ea-afc1-fb2dc0d7367d'), // mix construction grouts
];

/** An essential skill of the bricklayer the credential does not certify. */
export const INTERPRET_2D_PLANS = skill('dfce2aba-783e-4e17-9c17-e74aca505ec2');

/** An Open Badges credential whose achievement is aligned to the bricklaying skills. */
export function bricklayerCredential(): Record<string, unknown> {
  const credential = openBadgeCredential();
  const achievement = (credential.credentialSubject as { achievement: { alignment: unknown[] } }).achievement;
  achievement.alignment.push(...BRICKLAYING_SKILLS.map((targetUrl) => ({ type: ['Alignment'], targetFramework: 'ESCO', targetName: 'ESCO skill', targetUrl })));
  return credential;
}
