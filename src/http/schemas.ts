/** Request-schema pieces shared by several routes. */

export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';

export const slugParams = {
  type: 'object', required: ['slug'], properties: { slug: { type: 'string', pattern: SLUG_PATTERN } },
} as const;

export const localisedText = {
  type: 'object', minProperties: 1, maxProperties: 20,
  propertyNames: { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
  additionalProperties: { type: 'string', minLength: 1, maxLength: 300 },
  description: 'Text per language (BCP 47 tag): {"fr": "...", "en": "..."}',
} as const;
