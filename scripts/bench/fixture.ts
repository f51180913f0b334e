/** The benchmark's sample: an Open Badges 3.0 achievement credential with three alignments (about 1.6 KB signed). */
export const FORMATS = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt'] as const;
export type Format = (typeof FORMATS)[number];

export function sampleCredential(): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Maçon qualifié',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: 'sha256$4f3c2a9d', identityType: 'emailAddress', hashed: true, salt: 'x1' }],
      achievement: {
        id: 'urn:uuid:9b0f6e34-7d0c-4c55-9a8e-3f0d7c1e2a10',
        type: ['Achievement'],
        name: 'Maçon (CNC niveau 3)',
        description: 'Pose de briques et de blocs, lecture de plans simples, sécurité sur chantier.',
        criteria: { narrative: 'Évaluation pratique sur chantier par un jury de deux formateurs.' },
        alignment: [
          { type: ['Alignment'], targetName: 'EQF level 3', targetUrl: 'http://data.europa.eu/snb/eqf/3', targetFramework: 'EQF', targetCode: '3' },
          { type: ['Alignment'], targetName: 'CNC Maroc niveau 3 (Technicien)', targetUrl: 'https://www.cnc.ma/niveaux/3', targetFramework: 'CNC', targetCode: '3' },
          { type: ['Alignment'], targetName: 'ESCO: lay bricks', targetUrl: 'http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d', targetFramework: 'ESCO', targetCode: '13e1c0a2-b90d-46f4-be51-11730360b38d' },
        ],
      },
    },
  };
}
