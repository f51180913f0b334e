import type { TestApp } from './app.js';
import { openBadgeCredential } from './app.js';

type Json = Record<string, any>;

export const HTML = { accept: 'text/html,application/xhtml+xml' };
export const FORM = { ...HTML, 'content-type': 'application/x-www-form-urlencoded' };
export const JSON_ACCEPT = { accept: 'application/json' };

export const pathOf = (url: string) => new URL(url, 'http://x').pathname;

/** Issues a credential for a person and returns the credential and its claim offer. */
export async function issueFor(ctx: TestApp, auth: Json, options: { credential?: Json; holder?: Json; format?: string; credentialStatus?: Json } = {}) {
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: {
      credential: options.credential ?? openBadgeCredential(),
      options: {
        issuer: 'organisation',
        holder: options.holder ?? { name: 'Fatima Zahra El Idrissi', phone: '+212 612 345 678' },
        ...(options.format ? { format: options.format } : {}),
        ...(options.credentialStatus ? { credentialStatus: options.credentialStatus } : {}),
      },
    },
  });
  if (response.statusCode !== 201) throw new Error(`issue failed: ${response.body}`);
  const body = response.json() as Json;
  return { vc: body.verifiableCredential as Json, claimOffer: body.claimOffer as { url: string; expiresAt: string; qrCodeSvg: string } };
}

/** Claims into a new wallet through the form, as a browser does; returns the wallet's path (/w/<secret>). */
export async function claimIntoNewWallet(ctx: TestApp, claimUrl: string): Promise<string> {
  const response = await ctx.app.inject({ method: 'POST', url: pathOf(claimUrl), headers: FORM, payload: 'action=new' });
  if (response.statusCode !== 303) throw new Error(`claim failed: ${response.statusCode} ${response.body}`);
  return pathOf(String(response.headers.location));
}

export async function walletJson(ctx: TestApp, walletPath: string, headers: Json = {}) {
  const response = await ctx.app.inject({ method: 'GET', url: walletPath, headers: { ...JSON_ACCEPT, ...headers } });
  return { response, body: response.json() as { credentials: Json[]; shareLinks: Json[] } };
}

export async function createShare(ctx: TestApp, walletPath: string, payload: Json) {
  const response = await ctx.app.inject({ method: 'POST', url: `${walletPath}/shares`, headers: JSON_ACCEPT, payload });
  return { response, body: response.json() as Json };
}

export async function setStatus(ctx: TestApp, auth: Json, credentialId: string, statusPurpose: string, status: boolean) {
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose }, status },
  });
  if (response.statusCode !== 200) throw new Error(`status change failed: ${response.body}`);
}
