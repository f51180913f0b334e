/** Content negotiation over the Accept header (RFC 9110 §12.5.1), for routes that answer in several media types. */

interface Range { type: string; subtype: string; q: number }

function parseAccept(header: string): Range[] {
  return header.split(',').slice(0, 50).flatMap((part) => {
    const [mediaRange = '', ...params] = part.trim().split(';');
    const [type, subtype] = mediaRange.trim().toLowerCase().split('/');
    if (!type || !subtype) return [];
    const q = Number(params.find((p) => p.trim().toLowerCase().startsWith('q='))?.trim().slice(2) ?? 1);
    return [{ type, subtype, q: Number.isFinite(q) ? q : 0 }];
  });
}

/** How closely a range matches a type: 3 exact, 2 type/*, 1 * / *, 0 not at all. */
function specificity(range: Range, offered: string): number {
  const [type, subtype] = offered.split('/');
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === '*') return 2;
  if (range.type === '*' && range.subtype === '*') return 1;
  return 0;
}

/**
 * The offered type the client prefers; `offered[0]` when the header is absent or names nothing offered with q > 0
 * (a plain API answer rather than a 406, as most clients send loose headers).
 */
export function negotiate<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T {
  if (!accept) return offered[0];
  const ranges = parseAccept(accept);
  let best: { type: T; q: number } | undefined;
  for (const type of offered) {
    const match = ranges.map((r) => ({ r, s: specificity(r, type) })).filter((m) => m.s > 0).sort((a, b) => b.s - a.s)[0];
    if (match && match.r.q > 0 && (!best || match.r.q > best.q)) best = { type, q: match.r.q };
  }
  return best?.type ?? offered[0];
}
