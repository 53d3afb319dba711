import { afterEach, describe, expect, it } from 'vitest';
import { simulatorAndClient, smallWorld } from '../../../test/support/wecom-sim.ts';
import type { RunningSimulator } from './server.ts';

// Corp tags through the client: the enterprise's limit, only the app's own tags edited or deleted, mark_tag.

let running: RunningSimulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function setUp(maxTags = 3000) {
  const pair = await simulatorAndClient(smallWorld({ am001: 2, am002: 0, am003: 0 }), {
    simulator: { limits: { maxTags } },
  });
  running = pair.sim;
  return pair;
}

describe('corp tags in the simulator', () => {
  it('creates a group with tags, lists, edits and deletes them', async () => {
    const { client } = await setUp();
    const added = await client.addCorpTag({
      group_name: '飞轮·资产',
      tag: [{ name: '高净值' }, { name: '潜力' }],
    });
    expect(added.errcode).toBe(0);
    const group = added.tag_group;
    expect(group?.tag.map((t) => t.name)).toEqual(['高净值', '潜力']);
    const [rich, potential] = group?.tag ?? [];
    expect((await client.editCorpTag({ id: rich?.id ?? '', name: '高净值客户' })).errcode).toBe(0);
    const listed = await client.getCorpTagList({ group_id: [group?.group_id ?? ''] });
    expect(listed.tag_group?.[0]?.tag.map((t) => t.name)).toEqual(['高净值客户', '潜力']);
    expect((await client.delCorpTag({ tag_id: [potential?.id ?? ''] })).errcode).toBe(0);
    expect((await client.delCorpTag({ group_id: [group?.group_id ?? ''] })).errcode).toBe(0);
    const all = await client.getCorpTagList({});
    expect(all.tag_group?.map((g) => g.group_name)).toEqual(['客户等级']);
  });

  it('refuses to edit or delete tags the app did not create (48002), and unknown ids (40068)', async () => {
    const { client } = await setUp();
    const manual = (await client.getCorpTagList({})).tag_group?.[0];
    const tagId = manual?.tag[0]?.id ?? '';
    expect((await client.editCorpTag({ id: tagId, name: '改名' })).errcode).toBe(48002);
    expect((await client.delCorpTag({ tag_id: [tagId] })).errcode).toBe(48002);
    expect((await client.delCorpTag({ group_id: [manual?.group_id ?? ''] })).errcode).toBe(48002);
    expect(
      (await client.addCorpTag({ group_id: manual?.group_id ?? '', tag: [{ name: '新' }] })).errcode,
    ).toBe(48002);
    expect((await client.editCorpTag({ id: 'nope', name: 'x' })).errcode).toBe(40068);
    expect((await client.getCorpTagList({})).tag_group?.[0]?.tag.map((t) => t.name)).toEqual([
      '重要客户',
      '一般客户',
    ]);
  });

  it('holds at most the enterprise’s tag limit, the manual tags counted', async () => {
    const { client } = await setUp(5);
    expect((await client.addCorpTag({ group_name: 'A', tag: [{ name: '1' }, { name: '2' }] })).errcode).toBe(
      0,
    );
    const over = await client.addCorpTag({ group_name: 'B', tag: [{ name: '3' }, { name: '4' }] });
    expect(over.errcode).toBe(41044);
    expect((await client.addCorpTag({ group_name: 'B', tag: [{ name: '3' }] })).errcode).toBe(0);
  });

  it('marks and unmarks a customer’s tags; both lists empty is 40058', async () => {
    const { client } = await setUp();
    const manual = (await client.getCorpTagList({})).tag_group?.[0]?.tag.map((t) => t.id) ?? [];
    const request = { userid: 'AM001', external_userid: 'wm0001' };
    expect((await client.markTag({ ...request, add_tag: manual })).errcode).toBe(0);
    expect((await client.markTag({ ...request, remove_tag: [manual[0] ?? ''] })).errcode).toBe(0);
    expect((await client.markTag({ ...request, add_tag: [], remove_tag: [] })).errcode).toBe(40058);
    expect((await client.markTag({ ...request, add_tag: ['nope'] })).errcode).toBe(40068);
    expect(
      (await client.markTag({ userid: 'AM001', external_userid: 'wm9999', add_tag: manual })).errcode,
    ).toBe(40096);
    const contacts = await client.batchGetByUser({ userid_list: ['AM001'] });
    expect(contacts.external_contact_list?.[0]?.follow_info.tag_id).toEqual([manual[1]]);
  });
});
