import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/rta/codec.ts';
import { decodeWireResponse, encodeWireRequest } from './wire.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('RTA codec', () => {
  it('round-trips requests and answers', () => {
    const req = { id: 'r1', is_test: true, device: { imei_md5sum: md5('a'), doubtful_ids_list: [4, 6] } };
    const back = decodeRequest(encodeRequest(req));
    expect(back.ok && back.value.id).toBe('r1');
    expect(back.ok && back.value.device?.doubtful_ids_list).toEqual([4, 6]);
    const res = {
      request_id: 'r1',
      code: 0,
      response_cache_time: 60,
      out_target_id: ['s1', 's2'],
      target_infos: [
        { out_target_id: 's1', user_weight_factor: 1.5 },
        { out_target_id: 's2', user_weight_factor: 0.25 },
      ],
    };
    expect(decodeResponse(encodeResponse(res))).toEqual(res);
  });

  it('reads what an independent encoder wrote by field number, unknown fields included', () => {
    const body = encodeWireRequest({
      id: 'x9',
      isTest: true,
      imei: md5('i'),
      oaid: md5('o'),
      caid: md5('c'),
      doubtful: [1],
      withUnknownFields: true,
    });
    const got = decodeRequest(body);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.value).toMatchObject({ id: 'x9', is_test: true });
    expect(got.value.device).toMatchObject({
      imei_md5sum: md5('i'),
      oaid_md5sum: md5('o'),
      doubtful_ids_list: [1],
    });
    expect(got.value.device?.qaid_infos?.[0]?.qaid_md5sum).toBe(md5('c'));
  });

  it('writes answers an independent decoder reads by field number', () => {
    const bytes = encodeResponse({
      request_id: 'q',
      code: 0,
      response_cache_time: 30,
      out_target_id: ['t'],
      target_infos: [{ out_target_id: 't', user_weight_factor: 2 }],
    });
    expect(decodeWireResponse(bytes)).toEqual({
      requestId: 'q',
      code: 0,
      cacheTime: 30,
      outTargetIds: ['t'],
      targets: [{ id: 't', factor: 2 }],
    });
    expect(decodeWireResponse(encodeResponse({ request_id: 'd', code: 1 })).code).toBe(1);
  });

  it('refuses truncated bodies and bad wire types', () => {
    const body = encodeWireRequest({ id: 'long-request-id', imei: md5('x') });
    expect(decodeRequest(body.subarray(0, body.length - 5)).ok).toBe(false);
    expect(decodeRequest(Uint8Array.from([0x0f, 0x01])).ok).toBe(false); // wire type 7
  });
});
