/**
 * HTML built from templates where every interpolated value is escaped unless it is already `SafeHtml` (built by this
 * module). A credential named `<script>` renders as text.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string { return this.value; }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => { out += render(value) + strings[i + 1]!; });
  return new SafeHtml(out);
}

/** Markup that is trusted because this service produced it (e.g. the QR code SVG). */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);
