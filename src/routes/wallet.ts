/**
 * Holders and employers: claim links (/claim/<code>), private wallets (/w/<secret>), public share links (/s/<token>).
 * Browsers get server-rendered pages (no script); API clients get JSON and problem+json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { AppError, badRequest } from '../errors.js';
import type { Wallet, WalletCredential } from '../db/repositories/wallet.js';
import { getFramework } from '../frameworks/registry.js';
import { defaultFramework, frameworkChoices } from '../web/frameworkChoice.js';
import { reportOn, type CredentialReport, type ReportDeps } from '../wallet/credentialReport.js';
import { SHARE_DAYS, type ShareLinkView } from '../wallet/walletService.js';
import { qrCodeSvg } from '../web/qr.js';
import { formValue, formValues, pageContext, registerPageSupport, sendPage, wantsHtml, type FormBody } from '../web/http.js';
import type { MessageKey, PageLang } from '../web/i18n.js';
import { translatorFor, withLang } from '../web/pages/layout.js';
import { claimGonePage, claimPage } from '../web/pages/claim.js';
import { lockedWalletPage, walletPage } from '../web/pages/wallet.js';
import { goneSharePage, sharePage } from '../web/pages/share.js';
import { credentialTitleText } from '../web/pages/report.js';
import { walletJobsPage } from '../web/pages/walletJobs.js';
import { heldSkillsOf } from '../wallet/heldSkills.js';
import { matchJobs, type AchievementOffer } from '../skills/jobMatches.js';
import { fromRecord } from '../training/achievements.js';
import { nameIn } from '../trust/trustCheck.js';

const SESSION_COOKIE = 'passerelle_wallet';
/**
 * A one-time notice for the next wallet page ("added", "shared:<link id>", ...): banners travel in this cookie, read
 * and cleared by that page, so that the address the holder bookmarks is the bare wallet link and shows no banner again.
 */
const NOTICE_COOKIE = 'passerelle_notice';
const NOTICE_SECONDS = 120;

/** Link-preview fetchers (messaging apps, social networks) and crawlers: not people opening a share link. */
const PREVIEW_AGENTS = (JSON.parse(fs.readFileSync(new URL('../../data/web/link-preview-agents.json', import.meta.url), 'utf8')) as { agents: string[] })
  .agents.map((agent) => agent.toLowerCase());
const isLinkPreview = (userAgent: string | undefined) => {
  const agent = (userAgent ?? '').toLowerCase();
  return PREVIEW_AGENTS.some((fragment) => agent.includes(fragment));
};

/** Form posts a wrong passphrase answers with the form again, the reason above it. */
const UNLOCK_ERRORS = new Set(['wrong-passphrase', 'too-many-attempts', 'invalid-passphrase']);
const secretParam = { type: 'string', minLength: 1, maxLength: 200 } as const;
const idParam = { type: 'string', minLength: 1, maxLength: 100 } as const;

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export default async function walletRoutes(app: FastifyInstance, { services }: { services: Services }) {
  await registerPageSupport(app);
  const wallets = services.wallet;
  const reportDeps: ReportDeps = {
    verifyDeps: services.requestVerifyDeps, organisationByDid: (did) => services.repos.organisations.byDid(did), accreditations: services.repos.accreditations,
  };
  const secureCookie = services.config.baseUrl.startsWith('https:');

  const report = (credential: WalletCredential, lang: PageLang, framework?: string, holderName?: string): Promise<CredentialReport> =>
    reportOn(reportDeps, credential.document, { lang, ...(framework ? { framework } : {}), ...(holderName ? { holderName } : {}) });

  /** Every organisation's current achievements, with the ESCO skills each certifies: where a missing skill can be gained. */
  const achievementOffers = async (lang: PageLang): Promise<AchievementOffer[]> => {
    const achievements = (await services.repos.achievements.latestOfAll()).map(fromRecord);
    const organisations = new Map((await services.repos.organisations.list()).map((o) => [o.id, o]));
    return achievements.map(({ organisationId, id, definition }) => ({
      organisationId, organisationName: nameIn(organisations.get(organisationId)?.name ?? {}, lang), achievementId: id,
      name: nameIn(definition.name, lang), skills: definition.skills.map((skill) => skill.uri),
    }));
  };

  const isFormOrPage = (request: FastifyRequest) =>
    wantsHtml(request) || request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;

  /** Forms get a 303 to the page; API clients get the JSON. */
  const answer = (request: FastifyRequest, reply: FastifyReply, location: string, json: unknown, status = 200) =>
    isFormOrPage(request) ? reply.redirect(location, 303) : reply.status(status).send(json);

  /** Forms get a 303 to the bare wallet page, the notice in a one-time cookie; API clients get the JSON. */
  const answerToWallet = (request: FastifyRequest, reply: FastifyReply, secret: string, notice: string, json: unknown, status = 200) => {
    if (!isFormOrPage(request)) return reply.status(status).send(json);
    reply.header('set-cookie', `${NOTICE_COOKIE}=${encodeURIComponent(notice)}; Path=/w/; Max-Age=${NOTICE_SECONDS}; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}`);
    const linkId = notice.startsWith('shared:') ? notice.slice('shared:'.length) : undefined;
    return reply.redirect(`${withLang(walletPath(secret), langOf(request))}${linkId ? `#link-${linkId}` : ''}`, 303);
  };

  const walletPath = (secret: string) => `/w/${secret}`;

  /** The unlock session lives in an HttpOnly, SameSite=Strict cookie scoped to wallet pages. */
  function setSessionCookie(reply: FastifyReply, session: { sessionToken: string; expiresAt: Date }) {
    const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - services.now().getTime()) / 1000));
    reply.header('set-cookie', `${SESSION_COOKIE}=${session.sessionToken}; Path=/w/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secureCookie ? '; Secure' : ''}`);
  }
  const langOf = (request: FastifyRequest) => pageContext(request, '/').lang;

  /** Opens the wallet named by the URL; passphrase-protected wallets also need this browser's unlock cookie. */
  async function unlockedWallet(request: FastifyRequest<{ Params: { secret: string } }>): Promise<Wallet> {
    const wallet = await wallets.openWallet(request.params.secret, request.ip);
    if (!await wallets.isUnlocked(wallet, cookieOf(request, SESSION_COOKIE))) {
      throw new AppError('wallet-locked', 401, 'This wallet is protected by a passphrase: open it with its passphrase first (POST /w/<secret>/unlock)');
    }
    return wallet;
  }

  // Claim links

  app.get<{ Params: { code: string }; Querystring: { lang?: string } }>('/claim/:code', {
    schema: { hide: true, params: { type: 'object', properties: { code: secretParam } } },
  }, async (request, reply) => {
    const ctx = pageContext(request, `/claim/${request.params.code}`);
    let offer;
    try {
      offer = await wallets.openClaimOffer(request.params.code, request.ip);
    } catch (error) {
      if (!(wantsHtml(request) && error instanceof AppError && (error.code === 'claim-used' || error.code === 'claim-expired'))) throw error;
      const credentialId = await wallets.credentialIdOfClaimCode(request.params.code);
      const record = credentialId ? await services.repos.credentials.byId(credentialId) : undefined;
      const issuer = record ? await services.repos.organisations.byId(record.organisationId) : undefined;
      return sendPage(reply, 410, claimGonePage(ctx, {
        reason: error.code === 'claim-used' ? 'used' : 'expired', date: String(error.extra.claimedAt ?? error.extra.expiresAt ?? ''),
        ...(issuer ? { issuer } : {}),
      }), { private: true });
    }
    const offered = await reportOn(reportDeps, offer.jwt ?? offer.document, { lang: ctx.lang });
    // The same offer for a wallet app (OpenID4VCI): taking it there uses up this claim link, and the other way round.
    const credentialOffer = await services.oid4vci.credentialOfferUrl(request.params.code, offer, translatorFor(ctx.lang)('claim.walletApp.txCodeDescription'));
    if (!wantsHtml(request)) {
      return {
        credentialId: offer.credentialId, state: offered.state, issuer: offered.issuer.id, expiresAt: offer.expiresAt, holder: offer.holder,
        ...(credentialOffer ? { credentialOffer } : {}),
      };
    }
    const walletApp = credentialOffer ? { url: credentialOffer, qrSvg: await qrCodeSvg(credentialOffer) } : undefined;
    return sendPage(reply, 200, claimPage(ctx, { code: request.params.code, offer, report: offered, ...(walletApp ? { walletApp } : {}) }), { private: true });
  });

  app.post<{ Params: { code: string }; Body: FormBody | undefined }>('/claim/:code', {
    schema: {
      tags: ['wallet'], summary: 'Claim an offered credential into a new wallet, or into an existing one (wallet link, and passphrase if set)',
      params: { type: 'object', properties: { code: secretParam } },
    },
  }, async (request, reply) => {
    const body = request.body ?? {};
    const walletLink = formValue(body, 'wallet');
    const intoExisting = formValue(body, 'action') === 'existing' || (formValue(body, 'action') === undefined && walletLink !== undefined);
    if (intoExisting && !walletLink) throw badRequest('missing-wallet-link', 'Give the link of the wallet to add the credential to (field "wallet")');
    const claimed = intoExisting
      ? await wallets.claimIntoWallet(request.params.code, walletLink!, formValue(body, 'passphrase'), request.ip)
      : await wallets.claimIntoNewWallet(request.params.code, request.ip);
    return answerToWallet(request, reply, claimed.walletSecret, intoExisting ? 'added' : 'added-new', { walletUrl: wallets.walletUrl(claimed.walletSecret), created: !intoExisting }, 201);
  });

  // Wallets

  app.get<{ Params: { secret: string }; Querystring: { lang?: string; framework?: string } }>('/w/:secret', {
    schema: {
      hide: true, params: { type: 'object', properties: { secret: secretParam } },
      querystring: { type: 'object', properties: { lang: { type: 'string', maxLength: 10 }, framework: { type: 'string', maxLength: 40 } } },
    },
  }, async (request, reply) => {
    const { secret } = request.params;
    const framework = request.query.framework;
    if (framework !== undefined && !getFramework(framework)) {
      throw badRequest('unknown-framework', `No qualification framework "${framework}"; GET /frameworks lists them`);
    }
    const ctx = pageContext(request, walletPath(secret), { framework });
    const wallet = await wallets.openWallet(secret, request.ip);
    if (!await wallets.isUnlocked(wallet, cookieOf(request, SESSION_COOKIE))) {
      if (!wantsHtml(request)) throw new AppError('wallet-locked', 401, 'This wallet is protected by a passphrase: open it with its passphrase first (POST /w/<secret>/unlock)');
      return sendPage(reply, 401, lockedWalletPage(ctx, walletPath(secret)), { private: true });
    }
    const credentials = await wallets.credentials(wallet);
    const links = await wallets.shareLinks(wallet, secret);
    // The holder's own list gives each credential's recognition for the framework they picked, else the likeliest one.
    const page = wantsHtml(request);
    const chosen = framework ?? defaultFramework(ctx.lang, request.headers['accept-language']);
    const items = await Promise.all(credentials.map(async (credential) => ({ credential, report: await report(credential, ctx.lang, page ? chosen : undefined) })));
    if (!page) {
      return {
        credentials: items.map(({ credential, report: r }) => ({
          id: credential.id, credentialId: credential.credentialId, format: credential.format, state: r.state, addedAt: credential.addedAt,
          shareLinks: links.filter((l) => l.walletCredentialIds.includes(credential.id)).map((l) => l.id),
        })),
        shareLinks: links.map(publicLinkView),
      };
    }
    const titles = new Map(items.map(({ credential, report: r }) => [credential.id, credentialTitleText(r, ctx.lang)]));
    const linkItems = await Promise.all(links.map(async (link) => ({
      link, qrSvg: link.state === 'active' ? await qrCodeSvg(link.url) : '',
      names: link.walletCredentialIds.map((id) => titles.get(id) ?? ''),
    })));
    // The one-time notice: shown on this page only, then cleared.
    const flash = decodeURIComponent(cookieOf(request, NOTICE_COOKIE) ?? '');
    if (flash) reply.header('set-cookie', `${NOTICE_COOKIE}=; Path=/w/; Max-Age=0; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}`);
    const [done = '', openLinkId] = flash.split(':');
    const notice = NOTICES[done === 'added-new' ? 'added' : done];
    const walletUrl = wallets.walletUrl(secret);
    return sendPage(reply, 200, walletPage(ctx, {
      walletPath: walletPath(secret), walletUrl, walletQrSvg: await qrCodeSvg(walletUrl), items, links: linkItems,
      hasPassphrase: wallet.passphraseHash !== null, isNew: done === 'added-new', frameworks: frameworkChoices(ctx.lang), framework: chosen,
      ...(notice ? { notice } : {}), ...(done === 'shared' && openLinkId ? { openLinkId } : {}),
    }), { private: true });
  });

  app.get<{ Params: { secret: string }; Querystring: { lang?: string; home?: string; abroad?: string } }>('/w/:secret/jobs', {
    schema: {
      hide: true, params: { type: 'object', properties: { secret: secretParam } },
      querystring: { type: 'object', properties: { lang: { type: 'string', maxLength: 10 }, home: { type: 'string', maxLength: 10 }, abroad: { type: 'string', maxLength: 10 } } },
    },
  }, async (request, reply) => {
    const { secret } = request.params;
    const home = request.query.home || undefined;
    const ctx = pageContext(request, `${walletPath(secret)}/jobs`, { home, abroad: request.query.abroad || undefined });
    const wallet = await wallets.openWallet(secret, request.ip);
    if (!await wallets.isUnlocked(wallet, cookieOf(request, SESSION_COOKIE))) {
      if (!wantsHtml(request)) throw new AppError('wallet-locked', 401, 'This wallet is protected by a passphrase: open it with its passphrase first (POST /w/<secret>/unlock)');
      return sendPage(reply, 401, lockedWalletPage(ctx, walletPath(secret)), { private: true });
    }
    const inForce = (await Promise.all((await wallets.credentials(wallet)).map(async (credential) => ({ credential, report: await report(credential, ctx.lang) }))))
      .filter(({ report: r }) => r.state === 'valid')
      .sort((a, b) => b.credential.addedAt.localeCompare(a.credential.addedAt));
    // Abroad defaults to where the latest credential in force was issued; home is the holder's to say, with no default.
    const abroad = request.query.abroad === undefined ? inForce.find(({ report: r }) => r.issuer.organisation)?.report.issuer.organisation?.country : request.query.abroad || undefined;
    const heldSkills = [...new Set(inForce.flatMap(({ report: r }) => heldSkillsOf(r.credential)))];
    const result = matchJobs({ heldSkills, home, abroad, offers: await achievementOffers(ctx.lang), lang: ctx.lang === 'ar' ? 'en' : ctx.lang });
    if (!wantsHtml(request)) return result;
    return sendPage(reply, 200, walletJobsPage(ctx, { walletPath: walletPath(secret), result, hasSkills: heldSkills.length > 0 }), { private: true });
  });

  app.post<{ Params: { secret: string }; Body: FormBody | undefined }>('/w/:secret/unlock', {
    schema: { tags: ['wallet'], summary: 'Open a passphrase-protected wallet on this browser (sets a session cookie for 4 hours)', params: { type: 'object', properties: { secret: secretParam } } },
  }, async (request, reply) => {
    const wallet = await wallets.openWallet(request.params.secret, request.ip);
    let session;
    try {
      session = await wallets.unlock(wallet, formValue(request.body ?? {}, 'passphrase') ?? '', request.ip);
    } catch (error) {
      // A person who mistyped gets the form again, with why, rather than an error page with no way back; a script that
      // posts the form without asking for HTML gets the problem+json every API error is.
      if (!(wantsHtml(request) && error instanceof AppError && UNLOCK_ERRORS.has(error.code))) throw error;
      if (typeof error.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(error.extra.retryAfterSeconds));
      const ctx = pageContext(request, walletPath(request.params.secret));
      return sendPage(reply, error.status, lockedWalletPage(ctx, walletPath(request.params.secret), { error: error.code as 'wrong-passphrase' }), { private: true });
    }
    setSessionCookie(reply, session);
    return answer(request, reply, withLang(walletPath(request.params.secret), langOf(request)), { unlocked: true, expiresAt: session.expiresAt.toISOString() });
  });

  app.post<{ Params: { secret: string }; Body: FormBody | undefined }>('/w/:secret/passphrase', {
    schema: { tags: ['wallet'], summary: 'Set or change the wallet\'s passphrase (8 to 200 characters)', params: { type: 'object', properties: { secret: secretParam } } },
  }, async (request, reply) => {
    const wallet = await unlockedWallet(request);
    const session = await wallets.setPassphrase(wallet, formValue(request.body ?? {}, 'passphrase') ?? '');
    setSessionCookie(reply, session);
    return answerToWallet(request, reply, request.params.secret, 'passphrase', { passphraseSet: true });
  });

  app.get<{ Params: { secret: string; id: string; format: string } }>('/w/:secret/credentials/:id/credential.:format', {
    schema: {
      tags: ['wallet'], summary: 'Download a credential as issued: JSON, or the compact JWT for vc+jwt credentials',
      params: { type: 'object', properties: { secret: secretParam, id: idParam, format: { type: 'string', enum: ['json', 'jwt'] } } },
    },
  }, async (request, reply) => {
    const credential = await wallets.credential(await unlockedWallet(request), request.params.id);
    reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    const name = `credential-${credential.id.slice(0, 8)}`;
    if (request.params.format === 'jwt') {
      if (!credential.jwt) throw badRequest('not-a-jwt-credential', 'This credential was not issued as vc+jwt; download it as JSON');
      return reply.header('content-disposition', `attachment; filename="${name}.jwt"`).type('application/vc+jwt').send(credential.jwt);
    }
    return reply.header('content-disposition', `attachment; filename="${name}.json"`).type('application/json').send(JSON.stringify(credential.document, null, 2));
  });

  app.post<{ Params: { secret: string; id: string } }>('/w/:secret/credentials/:id/delete', {
    schema: { tags: ['wallet'], summary: 'Delete a credential from the wallet (share links left empty are withdrawn)', params: { type: 'object', properties: { secret: secretParam, id: idParam } } },
  }, async (request, reply) => {
    await wallets.deleteCredential(await unlockedWallet(request), request.params.id);
    return answerToWallet(request, reply, request.params.secret, 'deleted', { deleted: true });
  });

  app.post<{ Params: { secret: string }; Body: FormBody | { credentials?: string[]; expiresInDays?: number; label?: string } | undefined }>('/w/:secret/shares', {
    schema: {
      tags: ['wallet'], summary: `Create a share link for chosen credentials (expiry ${SHARE_DAYS.min} to ${SHARE_DAYS.max} days, default ${SHARE_DAYS.default}; optional label)`,
      params: { type: 'object', properties: { secret: secretParam } },
    },
  }, async (request, reply) => {
    const wallet = await unlockedWallet(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const isForm = !Array.isArray(body.credentials) && typeof body.expiresInDays !== 'number';
    const ids = Array.isArray(body.credentials) ? body.credentials.map(String) : formValues(body as FormBody, 'credential');
    const daysText = isForm ? formValue(body as FormBody, 'days') : undefined;
    const days = typeof body.expiresInDays === 'number' ? body.expiresInDays : daysText !== undefined && daysText !== '' ? Number(daysText) : undefined;
    const label = typeof body.label === 'string' ? body.label : undefined;
    if (isForm && formValue(body as FormBody, 'notValidConfirmed') !== 'yes' && ids.length > 0) {
      // A revoked or expired credential goes to an employer only when the holder ticked that they know.
      const chosen = (await wallets.credentials(wallet)).filter((c) => ids.includes(c.id));
      const states = await Promise.all(chosen.map(async (c) => (await report(c, langOf(request))).state));
      if (states.some((state) => state !== 'valid')) {
        throw badRequest('not-valid-credential-unconfirmed', 'A chosen credential is revoked, suspended, expired or not valid: tick that the employer will see it as such, or leave it out');
      }
    }
    const link = await wallets.createShareLink(wallet, request.params.secret, { walletCredentialIds: ids, ...(days !== undefined ? { expiresInDays: days } : {}), ...(label !== undefined ? { label } : {}) });
    return answerToWallet(request, reply, request.params.secret, `shared:${link.id}`, { ...publicLinkView(link), qrCodeSvg: await qrCodeSvg(link.url) }, 201);
  });

  app.post<{ Params: { secret: string; id: string } }>('/w/:secret/shares/:id/revoke', {
    schema: { tags: ['wallet'], summary: 'Withdraw a share link: it answers 410 from now on', params: { type: 'object', properties: { secret: secretParam, id: idParam } } },
  }, async (request, reply) => {
    await wallets.revokeShareLink(await unlockedWallet(request), request.params.id);
    return answerToWallet(request, reply, request.params.secret, 'revoked', { revoked: true });
  });

  // Share links: what employers open

  app.get<{ Params: { token: string }; Querystring: { lang?: string; framework?: string; challenge?: string; domain?: string; holderName?: string } }>('/s/:token', {
    schema: {
      tags: ['wallet'],
      summary: 'A shared set of credentials: a page for people, or with Accept: application/json a verifiable presentation signed by the service (give ?challenge= and ?domain= to bind it to your request)',
      params: { type: 'object', properties: { token: secretParam } },
      querystring: {
        type: 'object',
        properties: {
          lang: { type: 'string', maxLength: 10 }, framework: { type: 'string', maxLength: 40 },
          challenge: { type: 'string', minLength: 1, maxLength: 200 }, domain: { type: 'string', minLength: 1, maxLength: 200 },
          holderName: { type: 'string', maxLength: 200, description: 'a name to compare with a hashed holder name in the credentials (page only)' },
        },
      },
    },
  }, async (request, reply) => {
    const { token } = request.params;
    const html = wantsHtml(request);
    const framework = request.query.framework;
    if (framework !== undefined && !getFramework(framework)) {
      throw badRequest('unknown-framework', `No qualification framework "${framework}"; GET /frameworks lists them`);
    }
    const ctx = pageContext(request, `/s/${token}`, { framework });
    let opened;
    try {
      // HEAD requests and link previews (a messaging app drawing a card for the pasted link) are not people opening it.
      opened = await wallets.openShareLink(token, request.ip, { countView: request.method !== 'HEAD' && !isLinkPreview(request.headers['user-agent']) });
    } catch (error) {
      if (html && error instanceof AppError && error.status === 410) {
        const reason = error.code === 'share-link-expired' ? 'expired' : 'revoked';
        const date = String(error.extra.expiresAt ?? error.extra.revokedAt ?? '');
        return sendPage(reply, 410, goneSharePage(ctx, { reason, date }));
      }
      throw error;
    }
    const { link, credentials } = opened;
    if (!html) {
      const presentation = await services.sharePresenter.present(credentials.map((c) => c.document), {
        id: `urn:uuid:${crypto.randomUUID()}`,
        challenge: request.query.challenge ?? crypto.randomUUID(),
        ...(request.query.domain ? { domain: request.query.domain } : {}),
      });
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return reply.type('application/json').send(presentation);
    }
    const chosen = framework ?? defaultFramework(ctx.lang, request.headers['accept-language']);
    const holderName = request.query.holderName?.trim() || undefined;
    const reports = await Promise.all(credentials.map((c) => report(c, ctx.lang, chosen, holderName)));
    return sendPage(reply, 200, sharePage(ctx, {
      label: link.label, expiresAt: link.expiresAt, reports, frameworks: frameworkChoices(ctx.lang), framework: chosen, sharePath: `/s/${token}`,
      ...(holderName ? { holderName } : {}),
    }), { private: true });
  });
}

const NOTICES: Record<string, MessageKey> = {
  added: 'wallet.added', deleted: 'wallet.deleted', revoked: 'wallet.linkRevoked', passphrase: 'wallet.passphrase.saved',
};

function publicLinkView(link: ShareLinkView) {
  return {
    id: link.id, url: link.url, label: link.label, state: link.state, createdAt: link.createdAt, expiresAt: link.expiresAt,
    revokedAt: link.revokedAt, credentials: link.walletCredentialIds, views: link.views, lastViewedAt: link.lastViewedAt,
  };
}
