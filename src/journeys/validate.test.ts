import { describe, expect, it } from 'vitest';
import { journeyBodySchema, type JourneyBody } from './model.ts';
import { validateJourney, type ProblemCode, type ValidationContext } from './validate.ts';

// Each refusal of a journey graph, named by its node, against a small world: events app_open and purchase, content
// 1 v1 approved (1 v2 not), channel bank_sms, the manual tag vip_followup with values yes / no.

const context: ValidationContext = {
  knownEvents: new Set(['app_open', 'purchase']),
  approvedContent: new Set(['1:1']),
  channels: new Set(['bank_sms']),
  manualTags: new Map([['vip_followup', ['yes', 'no']]]),
  segments: new Set(['high_value']),
};

/** The deposit-maturity journey: T−7 → send → wait 3 days → branch (bought?) → task, or exit. */
const maturity = (): JourneyBody =>
  journeyBodySchema.parse({
    entry: { kind: 'date', field: 'deposit_maturity', daysBefore: 7 },
    start: 'notice',
    nodes: [
      {
        id: 'notice',
        kind: 'send',
        content: { id: 1, version: 1 },
        channels: ['bank_sms'],
        purpose: 'service',
      },
      { id: 'wait3', kind: 'wait', duration: { days: 3 } },
      { id: 'bought', kind: 'branch', arms: [{ key: 'yes', rule: { holds: 'wealth' } }] },
      { id: 'call', kind: 'task', title: 'Call about the maturing deposit', dueDays: 2 },
      { id: 'done', kind: 'exit' },
    ],
    edges: [
      { from: 'notice', exit: 'next', to: 'wait3' },
      { from: 'wait3', exit: 'next', to: 'bought' },
      { from: 'bought', exit: 'yes', to: 'done' },
      { from: 'bought', exit: 'default', to: 'call' },
      { from: 'call', exit: 'next', to: 'done' },
    ],
    reentry: { kind: 'afterDays', days: 30 },
    controlPercent: 10,
    goal: { event: 'purchase' },
  });

const codes = (body: JourneyBody) => validateJourney(body, context).map((p) => [p.code, p.node]);
const only = (body: JourneyBody, code: ProblemCode, node?: string) =>
  expect(codes(body)).toEqual([[code, node]]);

describe('journey validation', () => {
  it('accepts the deposit-maturity journey', () => {
    expect(validateJourney(maturity(), context)).toEqual([]);
  });

  it('refuses a loop without a wait, naming a node on it', () => {
    const body = maturity();
    body.nodes.push({ id: 'again', kind: 'tag', action: 'add', tag: 'vip_followup', value: 'yes' });
    body.edges = body.edges.filter((e) => e.from !== 'call');
    body.edges.push(
      { from: 'call', exit: 'next', to: 'again' },
      { from: 'again', exit: 'next', to: 'bought' },
    );
    const problems = validateJourney(body, context);
    expect(problems.map((p) => p.code)).toEqual(['cycle_without_wait']);
    expect(problems[0]!.node).toBe('bought');
    expect(problems[0]!.message).toContain('without a wait');
  });

  it('accepts a loop through a wait', () => {
    const body = maturity();
    body.edges = body.edges.filter((e) => e.from !== 'call');
    body.edges.push({ from: 'call', exit: 'next', to: 'wait3' });
    expect(codes(body)).toEqual([]);
  });

  it('refuses an unreachable node', () => {
    const body = maturity();
    body.nodes.push({ id: 'orphan', kind: 'exit' });
    only(body, 'unreachable', 'orphan');
  });

  it('refuses a branch without a default exit', () => {
    const body = maturity();
    body.edges = body.edges.filter((e) => !(e.from === 'bought' && e.exit === 'default'));
    // Exits are checked before the graph: 'call', unreachable now, is named once the exit is fixed.
    only(body, 'branch_without_default', 'bought');
  });

  it('refuses split shares that do not sum to 100', () => {
    const body = maturity();
    body.nodes.push({
      id: 'ab',
      kind: 'split',
      arms: [
        { key: 'a', share: 50 },
        { key: 'b', share: 40 },
      ],
    });
    body.edges = body.edges.filter((e) => e.from !== 'call');
    body.edges.push(
      { from: 'call', exit: 'next', to: 'ab' },
      { from: 'ab', exit: 'a', to: 'done' },
      { from: 'ab', exit: 'b', to: 'done' },
    );
    only(body, 'split_shares', 'ab');
  });

  it('refuses a send with unapproved content or an unknown channel', () => {
    const body = maturity();
    const send = body.nodes[0]!;
    if (send.kind !== 'send') throw new Error('send first');
    send.content = { id: 1, version: 2 };
    send.channels = ['bank_sms', 'carrier_pigeon'];
    expect(codes(body)).toEqual([
      ['unapproved_content', 'notice'],
      ['unknown_channel', 'notice'],
    ]);
  });

  it('refuses triggers, goals and awaited events the data dictionary does not know', () => {
    const body = maturity();
    body.entry = { kind: 'event', event: 'app_opne' };
    body.goal = { event: 'purchsae' };
    body.nodes.push({ id: 'await', kind: 'wait_for_event', event: 'clik', timeout: { days: 2 } });
    body.edges = body.edges.filter((e) => e.from !== 'call');
    body.edges.push(
      { from: 'call', exit: 'next', to: 'await' },
      { from: 'await', exit: 'event', to: 'done' },
      { from: 'await', exit: 'timeout', to: 'done' },
    );
    const problems = validateJourney(body, context);
    expect(problems.map((p) => [p.code, p.node, p.path.join('.')])).toEqual([
      ['unknown_event', undefined, 'entry.event'],
      ['unknown_event', undefined, 'goal.event'],
      ['unknown_event', 'await', 'nodes.5.event'],
    ]);
  });

  it('refuses exits that lead nowhere, exits a node does not have, and unknown nodes', () => {
    const body = maturity();
    body.edges = body.edges.filter((e) => e.from !== 'call');
    body.edges.push({ from: 'call', exit: 'yes', to: 'done' }, { from: 'ghost', exit: 'next', to: 'done' });
    expect(codes(body)).toEqual([
      ['unknown_exit', 'call'],
      ['unknown_node', 'ghost'],
      ['missing_exit', 'call'],
    ]);
  });

  it('refuses a tag that is not a manual tag, or a value it does not have', () => {
    const body = maturity();
    body.nodes.splice(3, 1, { id: 'call', kind: 'tag', action: 'add', tag: 'vip_followup', value: 'maybe' });
    only(body, 'unknown_tag', 'call');
    body.nodes.splice(3, 1, { id: 'call', kind: 'tag', action: 'remove', tag: 'aum_tier', value: 'gold' });
    only(body, 'unknown_tag', 'call');
  });

  it('refuses an entry on a segment that is not saved', () => {
    const body = maturity();
    body.entry = { kind: 'segment', segmentId: 'high_valeu', on: 'leave' };
    expect(validateJourney(body, context).map((p) => [p.code, p.path.join('.')])).toEqual([
      ['unknown_segment', 'entry.segmentId'],
    ]);
    body.entry = {
      kind: 'schedule',
      population: { segmentId: 'high_value' },
      schedule: { kind: 'daily', time: '09:00' },
    };
    expect(validateJourney(body, context)).toEqual([]);
  });

  it('refuses duplicate node ids and a start that names no node', () => {
    const body = maturity();
    body.nodes.push({ id: 'done', kind: 'exit' });
    body.start = 'nowhere';
    expect(codes(body)).toEqual([
      ['duplicate_node', 'done'],
      ['unknown_start', undefined],
    ]);
  });

  it('the schema refuses a wait with neither or both of duration and until, and a branch without arms', () => {
    const wait = (w: object) =>
      journeyBodySchema.safeParse({ ...maturity(), nodes: [{ id: 'w', kind: 'wait', ...w }] }).success;
    expect(wait({})).toBe(false);
    expect(wait({ duration: { days: 1 }, until: '09:00' })).toBe(false);
    expect(wait({ until: '09:00' })).toBe(true);
    expect(wait({ duration: { days: 0 } })).toBe(false);
    const branch = journeyBodySchema.safeParse({
      ...maturity(),
      nodes: [{ id: 'b', kind: 'branch', arms: [] }],
    });
    expect(branch.success).toBe(false);
  });
});
