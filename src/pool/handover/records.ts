// The records of a handover as people read them: staff by name (not id) wherever a job names them, and the job's
// customer list as a CSV for sign-off by the branch head, rows numbered from 1, headers and statuses in the
// reader's language, personal data masked.
import type { Kysely } from 'kysely';
import { csvValue } from '../../shared/csv.ts';
import type { Database } from '../../store/operational/database.ts';
import { iso } from '../customers.ts';
import { maskName } from '../mask.ts';

/** The names of staff members by id (ids unknown to the staff table are absent). */
export async function staffNames(db: Kysely<Database>, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Jobs with the departing manager's and the takers' names. */
export async function withStaffNames<J extends { fromManagerId: string; takerIds: readonly string[] }>(
  db: Kysely<Database>,
  jobs: readonly J[],
): Promise<(J & { fromManagerName: string; takerStaff: { id: string; name: string }[] })[]> {
  const names = await staffNames(
    db,
    jobs.flatMap((j) => [j.fromManagerId, ...j.takerIds]),
  );
  return jobs.map((j) => ({
    ...j,
    fromManagerName: names.get(j.fromManagerId) ?? j.fromManagerId,
    takerStaff: j.takerIds.map((id) => ({ id, name: names.get(id) ?? id })),
  }));
}

/** Languages the sign-off sheet is written in. */
export type SheetLanguage = 'en-US' | 'zh-CN';

const WORDS: Record<SheetLanguage, Record<string, string>> = {
  'en-US': {
    no: 'No.',
    customerNo: 'Customer number',
    name: 'Name (masked)',
    aum: 'AUM (CNY)',
    from: 'From',
    taker: 'Taker',
    status: 'Status',
    reason: 'Reason',
    wecom: 'WeCom transfer',
    processedAt: 'Processed at',
    pending: 'Pending',
    moved: 'Moved',
    refused: 'Refused',
    skipped: 'Skipped',
    taker_at_limit: 'Taker at capacity',
    moved_twice_in_90_days: 'Moved twice in 90 days',
    taker_departed: 'Taker departed',
    not_owned_by_from_manager: 'No longer this manager’s',
    cancelled: 'Job cancelled',
    waiting: 'Waiting for WeCom',
    done: 'Handed over',
  },
  'zh-CN': {
    no: '序号',
    customerNo: '客户号',
    name: '姓名（脱敏）',
    aum: '资产（元）',
    from: '移出客户经理',
    taker: '接收客户经理',
    status: '状态',
    reason: '原因',
    wecom: '企业微信交接',
    processedAt: '处理时间',
    pending: '待处理',
    moved: '已移交',
    refused: '被拒绝',
    skipped: '已跳过',
    taker_at_limit: '接收人已满额',
    moved_twice_in_90_days: '90 天内已移交两次',
    taker_departed: '接收人已离职',
    not_owned_by_from_manager: '已不属于该客户经理',
    cancelled: '任务已取消',
    waiting: '等待企业微信',
    done: '交接完成',
  },
};

/** The whole customer list of a job as a sign-off CSV (a UTF-8 BOM so spreadsheet programs read the Chinese). */
export async function handoverSheetCsv(
  db: Kysely<Database>,
  job: { id: number; fromManagerId: string },
  lang: SheetLanguage,
): Promise<{ csv: string; rows: number }> {
  const w = WORDS[lang];
  const rows = await db
    .selectFrom('handover_items as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .leftJoin('staff as t', 't.id', 'i.taker_id')
    .leftJoin('customer_owners as o', (j) =>
      j.onRef('o.customer_id', '=', 'i.customer_id').onRef('o.handover_job_id', '=', 'i.job_id'),
    )
    .select(['i.seq', 'c.customer_no', 'c.name', 'i.aum', 'i.taker_id', 't.name as taker_name'])
    .select(['i.status', 'i.reason', 'o.handover_status', 'i.processed_at'])
    .where('i.job_id', '=', job.id)
    .orderBy('i.seq')
    .execute();
  const from = (await staffNames(db, [job.fromManagerId])).get(job.fromManagerId) ?? job.fromManagerId;
  const word = (key: string | null) => (key === null ? null : (w[key] ?? key));
  const header = [
    'no',
    'customerNo',
    'name',
    'aum',
    'from',
    'taker',
    'status',
    'reason',
    'wecom',
    'processedAt',
  ];
  const lines = rows.map((r, k) =>
    [
      k + 1,
      r.customer_no,
      maskName(r.name),
      Number(r.aum),
      `${from} (${job.fromManagerId})`,
      `${r.taker_name ?? r.taker_id} (${r.taker_id})`,
      word(r.status),
      word(r.reason),
      word(r.handover_status),
      iso(r.processed_at),
    ]
      .map(csvValue)
      .join(','),
  );
  return {
    csv: '\uFEFF' + [header.map((h) => csvValue(w[h])).join(','), ...lines].join('\n') + '\n',
    rows: rows.length,
  };
}
