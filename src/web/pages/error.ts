import { html } from '../html.js';
import { hasMessage } from '../i18n.js';
import { layout, translatorFor, type PageContext } from './layout.js';

/** An error as a page: the stable code, a sentence in the reader's language, and the service's own detail. */
export function errorPage(ctx: PageContext, problem: { status: number; code: string; detail: string }): string {
  const t = translatorFor(ctx.lang);
  const key = `error.${problem.code}`;
  const sentence = hasMessage(key) ? t(key) : t('error.generic');
  return layout(ctx, {
    title: t('error.title'),
    body: html`<h1>${t('error.title')}</h1>
<p class="problem" data-code="${problem.code}" data-status="${problem.status}">${sentence}</p>
<details class="technical"><summary>${t('finding.details')}</summary><code dir="ltr">${problem.code}: ${problem.detail}</code></details>`,
  });
}
