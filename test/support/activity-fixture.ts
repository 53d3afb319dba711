// An activity body for the journey bank (test/support/journey-fixture.ts: product TD-1Y, staff AM1), Saturday
// 2026-12-12 14:00–16:00 in Shanghai.

/** A salon at a branch, capacity 10, hosted by AM1, featuring the one-year deposit. */
export const SALON = {
  name: '财富沙龙',
  scene: { mode: 'offline', frequency: 'low', aim: 'transaction' },
  venue: '城东支行三楼',
  startsAt: '2026-12-12T14:00:00+08:00',
  endsAt: '2026-12-12T16:00:00+08:00',
  capacity: 10,
  products: [{ productId: 'TD-1Y', role: 'traffic' }],
  staff: [{ staffId: 'AM1', role: 'host' }],
} as const;
