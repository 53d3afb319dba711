import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { answerRsvp, inviteeView, type InviteeView, type RsvpOutcome } from '../../activities/attend.ts';
import { errorBody, raise, type RouteContext, type ZodApi } from '../http.ts';
import * as s from './activities-schemas.ts';

// GET/POST /a/:token: an invitee's own link, like /r/:token. The page shows the activity's name, time and venue in
// the invitee's language (the browser's Accept-Language: the bank keeps no language per customer) with Yes/No
// buttons that post back to the same address as a form; a JSON client gets JSON. A bad or tampered token is a 400
// page (the API's error body when the caller is not a browser), never a 5xx.

type Lang = 'zh' | 'en';

const WORDS = {
  zh: {
    invalid: '链接无效',
    invalidText: '此链接已失效或不完整。',
    when: '时间',
    where: '地点',
    yes: '参加',
    no: '不参加',
    answered: {
      yes: '已报名，期待您的到来。',
      no: '已收到您的回复，谢谢。',
      waitlist: '名额已满，您已进入候补名单。',
    },
    checkIn: '这是您的签到码，请在活动现场出示。',
    openCode: '打开签到码',
    checkedIn: '您已签到。',
    closed: '活动已结束。',
  },
  en: {
    invalid: 'Invalid link',
    invalidText: 'This link is not valid.',
    when: 'When',
    where: 'Where',
    yes: 'Yes, I will come',
    no: 'No, thank you',
    answered: {
      yes: 'You are registered. We look forward to seeing you.',
      no: 'Thank you for your answer.',
      waitlist: 'The activity is full: you are on the waiting list.',
    },
    checkIn: 'This is your check-in code: show it at the door.',
    openCode: 'Open the check-in code',
    checkedIn: 'You are checked in.',
    closed: 'This activity has finished.',
  },
} as const;

const escape = (v: string) =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function langOf(req: FastifyRequest): Lang {
  const first = (req.headers['accept-language'] ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

const wantsHtml = (req: FastifyRequest) => req.headers.accept?.includes('text/html') === true;

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head>
<body>${body}</body></html>`;
}

/** The invitee's check-in code: its QR (an SVG document) and the link it carries; none before registering. */
async function checkInCodeHtml(lang: Lang, view: InviteeView): Promise<string> {
  if (!view.checkInUrl || view.checkedIn) return '';
  const svg = await QRCode.toString(view.checkInUrl, { type: 'svg', margin: 1, width: 240 });
  return `<p>${WORDS[lang].checkIn}</p><div id="check-in-qr" style="width:240px">${svg}</div>
<p><a id="check-in-link" href="${escape(view.checkInUrl)}">${WORDS[lang].openCode}</a></p>`;
}

/** The invitee's page: the activity, and the buttons or the answer that stands (with the check-in code once in). */
export async function inviteePage(lang: Lang, view: InviteeView, timeZone: string): Promise<string> {
  const w = WORDS[lang];
  const fmt = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  const a = view.activity;
  const when = `${fmt.format(new Date(a.startsAt))} – ${fmt.format(new Date(a.endsAt))}`;
  let action: string;
  if (a.status === 'finished') action = `<p>${w.closed}</p>`;
  else if (view.kind === 'check_in') action = view.checkedIn ? `<p>${w.checkedIn}</p>` : '';
  else if (view.rsvp !== 'none') action = `<p>${w.answered[view.rsvp]}</p>`;
  else
    action = `<form method="post"><button name="answer" value="yes">${w.yes}</button>
<button name="answer" value="no">${w.no}</button></form>`;
  return page(
    lang,
    a.name,
    `<h1>${escape(a.name)}</h1><p>${w.when}: ${escape(when)}</p>` +
      (a.venue ? `<p>${w.where}: ${escape(a.venue)}</p>` : '') +
      action +
      (await checkInCodeHtml(lang, view)),
  );
}

const refusedPage = (lang: Lang) =>
  page(lang, WORDS[lang].invalid, `<h1>${WORDS[lang].invalid}</h1><p>${WORDS[lang].invalidText}</p>`);

// A string body goes out as it is (no JSON serialisation), so pages are not held to the JSON schemas.
const html = (text: string) => text as unknown as z.infer<typeof s.rsvpOutcome>;

/** Registers the invitee link's page and answer. */
export function registerActivityLinkRoutes(api: ZodApi, ctx: RouteContext): void {
  const deps = { db: ctx.stores.operational.db, clock: ctx.clock };
  const links = ctx.config.links;
  const tags = ['activities'];

  api.get(
    '/a/:token',
    {
      schema: {
        tags,
        summary:
          "An invitee's link: a page with the activity's name, time and venue and Yes/No buttons (RSVP), or the " +
          'check-in code page; 400 page when the token does not verify',
        security: [],
        params: s.tokenParam,
        response: {
          200: z.string().describe('text/html'),
          400: errorBody.describe('the token does not verify (a browser, Accept: text/html, gets a page)'),
          404: errorBody,
        },
      },
    },
    async (req, reply) => {
      void reply.header('cache-control', 'no-store');
      const lang = langOf(req);
      const view = await inviteeView(deps, links, req.params.token);
      if (!view.ok) {
        if (!wantsHtml(req)) raise(view.error);
        return reply.code(400).type('text/html; charset=utf-8').send(refusedPage(lang));
      }
      return reply
        .type('text/html; charset=utf-8')
        .send(await inviteePage(lang, view.value, ctx.config.timeZone));
    },
  );

  // Browsers post the page's form; the parser lives in this scope only.
  void api.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post(
      '/a/:token',
      {
        schema: {
          tags,
          summary:
            "An invitee's answer (JSON or the page's form): recorded once; a 'yes' beyond capacity waits; a form " +
            'post is answered with the page',
          security: [],
          params: s.tokenParam,
          body: s.rsvpAnswer,
          response: {
            200: s.rsvpOutcome.describe('JSON callers; a form post gets the page (text/html)'),
            400: errorBody,
            404: errorBody,
            409: errorBody,
          },
        },
      },
      async (req, reply) => {
        void reply.header('cache-control', 'no-store');
        const lang = langOf(req);
        const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
        const answered: Awaited<ReturnType<typeof answerRsvp>> = await answerRsvp(
          deps,
          links,
          req.params.token,
          req.body.answer,
        );
        if (!answered.ok) {
          if (!form && !wantsHtml(req)) raise(answered.error);
          return reply
            .code(400)
            .type('text/html; charset=utf-8')
            .send(html(refusedPage(lang)));
        }
        if (!form) return answered.value satisfies RsvpOutcome;
        const view = await inviteeView(deps, links, req.params.token);
        if (!view.ok) raise(view.error);
        return reply
          .type('text/html; charset=utf-8')
          .send(html(await inviteePage(lang, view.value, ctx.config.timeZone)));
      },
    );
  });
}
