import { PbfReader, PbfWriter } from 'pbf';

// An RTA client written from the public field numbers (shared/specs/tencent-rta.md) with another protobuf library
// than the service's (pbf, not protobufjs), so tests check the wire format and not one library against itself.

/** A request as the platform would send it. */
export interface WireRequest {
  id?: string;
  isPing?: boolean;
  isTest?: boolean;
  imei?: string;
  oaid?: string;
  idfa?: string;
  caid?: string;
  doubtful?: number[];
  /** Unknown fields the platform might add: field 99 (string) and field 100 (varint). */
  withUnknownFields?: boolean;
}

/** An answer as the platform reads it. */
export interface WireResponse {
  requestId?: string;
  code?: number;
  cacheTime?: number;
  outTargetIds: string[];
  targets: { id?: string; factor?: number }[];
}

/** Encodes an RtaRequest by field number. */
export function encodeWireRequest(r: WireRequest): Uint8Array {
  const pbf = new PbfWriter();
  if (r.id !== undefined) pbf.writeStringField(1, r.id);
  if (r.isPing !== undefined) pbf.writeBooleanField(2, r.isPing);
  if (r.isTest !== undefined) pbf.writeBooleanField(3, r.isTest);
  pbf.writeVarintField(6, 25); // siteset_id: ignored
  const hasDevice = r.imei ?? r.oaid ?? r.idfa ?? r.caid ?? r.doubtful;
  if (hasDevice !== undefined)
    pbf.writeMessage(
      5,
      (d: WireRequest, p: PbfWriter) => {
        p.writeVarintField(1, 2); // os: android
        if (d.idfa) p.writeStringField(2, d.idfa);
        if (d.imei) p.writeStringField(3, d.imei);
        if (d.oaid) p.writeStringField(6, d.oaid);
        p.writeStringField(7, '10.0.0.1');
        for (const x of d.doubtful ?? []) p.writeVarintField(9, x);
        if (d.caid) p.writeMessage(13, (c: string, q: PbfWriter) => q.writeStringField(4, c), d.caid);
      },
      r,
    );
  pbf.writeMessage(9, (_: unknown, p: PbfWriter) => p.writeVarintField(1, 7), {}); // exps
  if (r.withUnknownFields) {
    pbf.writeStringField(99, 'from the future');
    pbf.writeVarintField(100, 123456789);
  }
  return pbf.finish();
}

/** Decodes an RtaResponse by field number. */
export function decodeWireResponse(buf: Uint8Array): WireResponse {
  const out: WireResponse = { outTargetIds: [], targets: [] };
  new PbfReader(buf).readFields((tag: number, o: WireResponse, p: PbfReader) => {
    if (tag === 1) o.requestId = p.readString();
    else if (tag === 2) o.code = p.readVarint();
    else if (tag === 7) o.cacheTime = p.readVarint();
    else if (tag === 10) o.outTargetIds.push(p.readString());
    else if (tag === 12)
      o.targets.push(
        p.readMessage(
          (t: number, x: { id?: string; factor?: number }, q: PbfReader) => {
            if (t === 1) x.id = q.readString();
            else if (t === 6) x.factor = q.readFloat();
          },
          {} as { id?: string; factor?: number },
        ),
      );
  }, out);
  return out;
}
