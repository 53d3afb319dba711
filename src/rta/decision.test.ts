import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DOUBTFUL } from './codec.ts';
import { CODE, decide, type CompiledStrategy, type DecisionTable } from './decision.ts';
import { DeviceTableBuilder } from './device-table.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const open = { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };

function table(): DecisionTable {
  const b = new DeviceTableBuilder(4);
  b.add(md5('dormant'), 1);
  b.add(md5('rich'), 2);
  b.add(md5('plain'), 3);
  const strategies: CompiledStrategy[] = [
    { id: 'reengage', cacheSeconds: 300, bid: { fromScore: false, min: 9, max: 9 }, ...open },
    { id: 'lookalike', cacheSeconds: 60, bid: { fromScore: true, min: 1, max: 3 }, ...open },
    { id: 'new', cacheSeconds: 900, bid: { fromScore: false, min: 1.5, max: 1.5 }, ...open },
    { id: 'later', cacheSeconds: 10, bid: { fromScore: false, min: 1, max: 1 }, from: 5_000, until: 6_000 },
  ];
  const masks = new Uint32Array(4);
  masks[1] = 0b0001 | 0b1000;
  masks[2] = 0b0010;
  const scores = new Float32Array([NaN, NaN, 0.5, NaN]);
  return {
    watermark: 'w',
    devices: b.finish(),
    masks,
    scores,
    unknownMask: 0b0100,
    strategies,
    defaultCacheSeconds: 120,
  };
}

describe('decide', () => {
  const t = table();
  it('answers a customer strategy with clamped factor and its cache time; windows apply', () => {
    const d = decide(t, { id: 'a', device: { imei_md5sum: md5('dormant') } }, 1_000);
    expect(d.response).toEqual({
      request_id: 'a',
      code: CODE.TAKE_PART,
      response_cache_time: 300,
      out_target_id: ['reengage'],
      target_infos: [{ out_target_id: 'reengage', user_weight_factor: 5 }],
    });
    const inWindow = decide(t, { id: 'a', device: { imei_md5sum: md5('dormant') } }, 5_500);
    expect(inWindow.response.out_target_id).toEqual(['reengage', 'later']);
    expect(inWindow.response.response_cache_time).toBe(10);
  });

  it('maps the look-alike score into the bid range', () => {
    const d = decide(t, { id: 'b', device: { oaid_md5sum: md5('rich') } }, 0);
    expect(d.response.target_infos).toEqual([{ out_target_id: 'lookalike', user_weight_factor: 2 }]);
    expect(d.device).toBe(md5('rich'));
  });

  it('answers unknown devices from the unknown mask, declines a customer without strategies', () => {
    expect(
      decide(t, { id: 'c', device: { idfa_md5sum: md5('stranger') } }, 0).response.out_target_id,
    ).toEqual(['new']);
    const plain = decide(t, { id: 'd', device: { imei_md5sum: md5('plain') } }, 0);
    expect(plain.response).toEqual({ request_id: 'd', code: CODE.NO_MATCH, response_cache_time: 120 });
    expect(plain.error).toBe(false);
  });

  it('never matches on a doubtful id: the next trusted one is used, only doubtful ids decline', () => {
    const both = { imei_md5sum: md5('dormant'), oaid_md5sum: md5('rich') };
    const d = decide(t, { id: 'e', device: { ...both, doubtful_ids_list: [DOUBTFUL.IMEI_MD5] } }, 0);
    expect(d.response.out_target_id).toEqual(['lookalike']);
    const only = decide(t, { id: 'f', device: { imei_md5sum: md5('dormant'), doubtful_ids_list: [1] } }, 0);
    expect(only.response.code).toBe(CODE.NO_MATCH);
    expect(only.matched).toBe(0);
  });

  it('declines a request without device ids as an error; finds a CAID', () => {
    const none = decide(t, { id: 'g', device: {} }, 0);
    expect(none.response).toEqual({ request_id: 'g', code: CODE.BAD_REQUEST });
    expect(none.error).toBe(true);
    const caid = decide(t, { id: 'h', device: { qaid_infos: [{ qaid_md5sum: md5('rich') }] } }, 0);
    expect(caid.response.out_target_id).toEqual(['lookalike']);
  });
});
