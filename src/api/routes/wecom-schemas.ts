import { z } from 'zod';
import { page } from '../../contracts/common.ts';
import { text } from '../../shared/text.ts';

// Boundaries of the WeCom routes (src/api/routes/wecom.ts).

/** The signed query of a callback: WeCom's own names. Left out, a field is refused by the signature check (400). */
export const callbackQuery = z.object({
  msg_signature: text().max(128).optional(),
  timestamp: text().max(32).optional(),
  nonce: text().max(128).optional(),
  echostr: text()
    .max(4096)
    .optional()
    .describe('the verify GET only: the encrypted string to answer decrypted'),
});

/** A POSTed callback: WeCom's XML envelope `<xml><ToUserName/><Encrypt/><AgentID/></xml>`. */
export const callbackBody = z.string().max(65_536);

/** WeCom expects this body for an accepted callback. */
export const callbackAccepted = z.literal('success');

const staffId = text().trim().min(1).max(64);
const externalUserid = text().trim().min(1).max(128);

export const friendsQuery = z.object({
  staffId: staffId.optional(),
  matched: z.enum(['true', 'false']).optional().describe('only matched (true) or unmatched (false) friends'),
  includeRemoved: z
    .enum(['true', 'false'])
    .optional()
    .describe('also friendships that ended (default false)'),
  ...page,
});

export const friend = z.object({
  staffId: z.string(),
  externalUserid: z.string(),
  name: z.string().nullable().describe("WeCom's name of the customer, masked"),
  customerNo: z.string().nullable().describe("the linked customer, when in the caller's scope"),
  matched: z.boolean(),
  matchedBy: z.enum(['external_userid', 'unionid', 'phone', 'remark', 'manual']).nullable(),
  addedAt: z.string(),
  removedAt: z.string().nullable(),
  removedBy: z.enum(['customer', 'staff']).nullable(),
});
export const friendsPage = z.object({ total: z.number().int(), items: z.array(friend) });

export const linkBody = z.object({
  staffId,
  externalUserid,
  customerNo: text().trim().min(1).max(64),
});
export const linkAnswer = z.object({
  staffId: z.string(),
  externalUserid: z.string(),
  customerNo: z.string(),
  relinked: z.boolean().describe('the friendship was linked to another customer before'),
});

export const coverageAnswer = z.object({
  week: z.object({ from: z.string(), to: z.string() }).describe("the bank's business week, Monday to Sunday"),
  managers: z.array(
    z.object({
      staffId: z.string(),
      name: z.string(),
      orgUnitId: z.string(),
      friends: z.number().int(),
      matched: z.number().int(),
      unmatched: z.number().int(),
      addedThisWeek: z.number().int(),
      lostThisWeek: z.number().int(),
    }),
  ),
});
