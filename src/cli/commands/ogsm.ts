import { InvalidArgumentError, type Command } from 'commander';
import type { GoalMeasurement } from '../../ogsm/metrics.ts';
import { SUBJECT_KINDS, type Subject, type SubjectKind } from '../../ogsm/model.ts';
import { attainmentList, planView } from '../../ogsm/review.ts';
import { scenesAnalysis } from '../../ogsm/scenes.ts';
import { reviewPlan, savePlan } from '../../ogsm/service.ts';
import type { OgsmDeps } from '../../ogsm/subjects.ts';
import { shiftDay } from '../../shared/day.ts';
import { ok } from '../../shared/errors.ts';
import { configOrExit, dayOption, positiveInt } from '../main.ts';
import { withStores } from '../stores.ts';
import { actor, print, refused } from './acting.ts';
import { jsonFile, table } from './journeys.ts';

// `flywheel ogsm show|set|review|list` (a campaign's or journey's OGSM plan, measured now; saved and reviewed from
// JSON files) and `flywheel analyze scenes`. Every command takes --json; human output is a compact table. Exit codes:
// 0 done, 1 refused, 2 bad arguments. Changes act as `--as <username>` (campaigns.write) or the machine's operator.

/** Runs a command's action with the stores and clock and sets the exit code; the tests pass their own. */
export type OgsmCliRunner = (action: (deps: OgsmDeps) => Promise<number>) => Promise<void>;

const openRunner: OgsmCliRunner = (action) =>
  withStores(configOrExit(), (stores, clock) =>
    action({ db: stores.operational.db, events: stores.events, clock }),
  );

function kindArg(value: string): SubjectKind {
  if (!(SUBJECT_KINDS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${SUBJECT_KINDS.join(', ')}`);
  return value as SubjectKind;
}

const num = (x: number | null, unit?: string) =>
  x === null ? '–' : unit === 'ratio' ? `${(100 * x).toFixed(1)}%` : String(Math.round(x * 100) / 100);
const pct = (x: number | null) => (x === null ? '–' : `${x}%`);
/** The absolute lift with its interval, or the reason there is none. */
function lift(m: GoalMeasurement, unit: string): string {
  const a = m.lift?.absolute;
  if (!a) return m.liftReason ?? '–';
  const f = (x: number) =>
    unit === 'ratio' || unit === 'customers' ? `${(100 * x).toFixed(1)}` : x.toFixed(0);
  const u = unit === 'CNY' ? ' CNY' : ' pp';
  return `${a.estimate >= 0 ? '+' : ''}${f(a.estimate)}${u} (${f(a.lower)}…${f(a.upper)})`;
}

/** `ogsm show | set | review | list`. */
export function registerOgsmCommands(program: Command, run: OgsmCliRunner = openRunner): void {
  const ogsm = program
    .command('ogsm')
    .description('OGSM plans of campaigns and journeys: show measured, set, review, list attainment');
  const subject = (kind: SubjectKind, id: number): Subject => ({ kind, id });

  ogsm
    .command('show')
    .description('a plan with each goal measured now against its target')
    .argument('<kind>', 'campaign | journey | activity', kindArg)
    .argument('<id>', 'its id', positiveInt)
    .option('--json', 'print JSON')
    .action((kind: SubjectKind, id: number, opts: { json?: boolean }) =>
      run(async (deps) =>
        print(await planView(deps, subject(kind, id)), opts.json, (v) =>
          [
            `${v.subject.kind} ${v.subject.id} ${v.subject.name} — plan v${v.version}`,
            `objective: ${v.objective}`,
            table(
              ['goal', 'metric', 'target', 'value', 'attained', 'window', 'lift vs control'],
              v.goals.map((g) => [
                g.id,
                g.category ? `${g.metric}(${g.category})` : g.metric,
                num(g.target, g.unit),
                num(g.value, g.unit) + (g.valueReason ? ` (${g.valueReason})` : ''),
                pct(g.attainment),
                `${g.windowDays}d${g.window?.open ? ' open' : ''}`,
                lift(g, g.unit),
              ]),
            ),
            ...v.measures.map((m) => `measure ${m.metric} (${m.windowDays}d): ${num(m.value, m.unit)}`),
            ...v.strategies.map(
              (s) => `strategy ${s.id} [${s.score ?? '–'}/5] ${s.text}${s.note ? ` — ${s.note}` : ''}`,
            ),
            `lesson: ${v.lesson ?? '–'}`,
          ].join('\n'),
        ),
      ),
    );

  ogsm
    .command('set')
    .description('save a plan from a JSON file (src/ogsm/model.ts): the next version')
    .argument('<kind>', 'campaign | journey | activity', kindArg)
    .argument('<id>', 'its id', positiveInt)
    .requiredOption('--file <plan.json>', 'the plan')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action((kind: SubjectKind, id: number, opts: { file: string; as?: string; json?: boolean }) =>
      run(async (deps) => {
        const body = await jsonFile(opts.file);
        if (!body.ok) return refused(body.error);
        const who = await actor(deps.db, opts.as, 'campaigns.write');
        if (!who.ok) return refused(who.error);
        return print(await savePlan(deps, who.value, subject(kind, id), body.value), opts.json, (r) => {
          return `saved plan v${r.version} of ${kind} ${id}`;
        });
      }),
    );

  ogsm
    .command('review')
    .description('score strategies and write the lesson')
    .argument('<kind>', 'campaign | journey | activity', kindArg)
    .argument('<id>', 'its id', positiveInt)
    .option(
      '--score <id=1..5>',
      'a strategy score (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--lesson <text>', 'the lesson')
    .option('--file <review.json>', '{ scores: [{ id, score, note }], lesson } instead of the options')
    .option('--as <username>', 'act as this user (campaigns.write)')
    .option('--json', 'print JSON')
    .action(
      (
        kind: SubjectKind,
        id: number,
        opts: { score: string[]; lesson?: string; file?: string; as?: string; json?: boolean },
      ) =>
        run(async (deps) => {
          let body: unknown;
          if (opts.file) {
            const read = await jsonFile(opts.file);
            if (!read.ok) return refused(read.error);
            body = read.value;
          } else {
            const scores = opts.score.map((s) => {
              const [sid, score] = s.split('=');
              return { id: sid, score: score === '' || score === undefined ? null : Number(score) };
            });
            body = { scores, ...(opts.lesson === undefined ? {} : { lesson: opts.lesson }) };
          }
          const who = await actor(deps.db, opts.as, 'campaigns.write');
          if (!who.ok) return refused(who.error);
          return print(
            await reviewPlan(deps, who.value, subject(kind, id), body),
            opts.json,
            (r) => `reviewed: plan v${r.version} of ${kind} ${id}`,
          );
        }),
    );

  ogsm
    .command('list')
    .description("every plan's goal attainment, most recently changed first")
    .option('--kind <kind>', 'campaign | journey | activity', kindArg)
    .option('--json', 'print JSON')
    .action((opts: { kind?: SubjectKind; json?: boolean }) =>
      run(async (deps) => {
        const items = await attainmentList(deps, opts.kind);
        return print(ok(items), opts.json, (list) =>
          list.length === 0
            ? 'no plans'
            : table(
                ['subject', 'goals', 'attained', 'attainment', 'reviewed', 'name'],
                list.map((r) => [
                  `${r.subject.kind} ${r.subject.id}`,
                  r.goals.length,
                  r.attained,
                  r.goals.map((g) => `${g.id} ${pct(g.attainment)}`).join(', ') || '–',
                  r.reviewed ? 'yes' : 'no',
                  r.subject.name,
                ]),
              ),
        );
      }),
    );
}

/** `analyze scenes`: contacts by scene and product role, their lifecycle moves against control. */
export function registerScenesCommand(analyze: Command, run: OgsmCliRunner = openRunner): void {
  analyze
    .command('scenes')
    .description('which scenes move which lifecycle stage: contacts by scene and product role, vs control')
    .option('--from <day>', 'first business day of contacts (default 90 days before --to)', dayOption)
    .option('--to <day>', 'last business day of contacts (default today)', dayOption)
    .option('--days <n>', 'days after the contact the later stage is read (1–90)', positiveInt, 30)
    .option('--json', 'print JSON')
    .action((opts: { from?: string; to?: string; days: number; json?: boolean }) =>
      run(async (deps) => {
        if (opts.days > 90) return refused({ code: 'bad_request', message: '--days: at most 90' });
        const to = opts.to ?? deps.clock.today();
        const from = opts.from ?? shiftDay(to, -90);
        if (from > to) return refused({ code: 'bad_request', message: '--from is after --to' });
        const result = await scenesAnalysis(deps, { from, to, days: opts.days });
        return print(ok(result), opts.json, (r) =>
          r.groups.length === 0
            ? `no contacts from ${r.from} to ${r.to}`
            : table(
                ['source', 'scene', 'role', 'subjects', 'treated', 'measured', 'advanced', 'control', 'lift'],
                r.groups.map((g) => [
                  g.source,
                  g.scene,
                  g.role,
                  g.subjects,
                  g.treated.customers,
                  g.treated.measured,
                  g.treated.share === null ? '–' : `${(100 * g.treated.share).toFixed(1)}%`,
                  g.control?.share == null ? '–' : `${(100 * g.control.share).toFixed(1)}%`,
                  g.lift?.absolute
                    ? `${(100 * g.lift.absolute.estimate).toFixed(1)} pp`
                    : (g.liftReason ?? '–'),
                ]),
              ),
        );
      }),
    );
}
