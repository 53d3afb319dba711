// Experiments and lift in a real browser against the real server: the list, the lift of an imported experiment (every
// figure on screen compared with the API), the confidence and control switches, the sample-ratio warning, explicit
// reasons instead of missing numbers, the upload form (good and rejected files), and what an analyst may not do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/ingest/run.ts';
import { systemClock } from '../../src/shared/clock.ts';
import {
  apiJson,
  choose,
  HAVE_CHROMIUM,
  rawValue,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';
import { experimentImportTarget } from '../../src/analytics/experiments/import.ts';
import { translateReason } from '../../src/analytics/reasons.ts';

const ADMIN = { username: 'admin1', role: 'admin' as const, password: 'admin-pass-1' };
const ANALYST = { username: 'analyst1', role: 'analyst' as const, password: 'analyst-pass-1' };

/** Units of arms `name → [units, conversions]`; converted units spend 20 + k mod 7, the others 0. */
function csvOf(arms: Record<string, [number, number]>): string {
  const lines = ['unit,arm,converted,spend'];
  let i = 0;
  for (const [arm, [units, conversions]] of Object.entries(arms))
    for (let k = 0; k < units; k++) {
      const c = k < conversions ? 1 : 0;
      lines.push(`u${++i},${arm},${c},${c ? 20 + (k % 7) : 0}`);
    }
  return lines.join('\n') + '\n';
}
const mappingOf = (id: string, name: string, allocation?: Record<string, number>) => ({
  experiment: {
    id,
    name,
    control: 'Control',
    metrics: { converted: 'binary', spend: 'numeric' },
    ...(allocation ? { allocation } : {}),
  },
  columns: { unit_key: 'unit', arm: 'arm', 'metrics.converted': 'converted', 'metrics.spend': 'spend' },
});

interface Lift {
  control: string;
  srm: { flagged: boolean } | null;
  metrics: {
    metric: string;
    arms: { arm: string; mean: number | null; sd: number | null }[];
    comparisons: {
      arm: string;
      absolute: { estimate: number } | null;
      relative: { estimate: number } | null;
      relativeReason: string | null;
      test: { pValue: number | null };
      power: number | null;
    }[];
  }[];
}

let d: Dashboard;
let page: Page;
let dir: string;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  dir = mkdtempSync(join(tmpdir(), 'flywheel-experiments-ui-'));
  d = await startDashboard({
    customers: 40,
    seed: 20261205,
    users: [ADMIN, ANALYST],
    locale: 'en-US',
    prepare: async (stores) => {
      // A campaign test (two e-mails against a control) and a skewed one whose control never converts.
      const files: [string, Record<string, [number, number]>, ReturnType<typeof mappingOf>][] = [
        [
          'campaign',
          { Control: [400, 40], 'Mail A': [400, 60], 'Mail B': [410, 45] },
          mappingOf('campaign', 'Spring campaign'),
        ],
        [
          'skewed',
          { Control: [100, 0], Treatment: [300, 12] },
          mappingOf('skewed', 'Skewed test', { Control: 1, Treatment: 1 }),
        ],
      ];
      for (const [id, arms, mapping] of files) {
        const file = join(dir, `${id}.csv`);
        writeFileSync(file, csvOf(arms));
        const r = await runImport(
          { kind: 'experiment', file, mapping: { value: mapping }, actor: 'test' },
          {
            operational: stores.operational,
            clock: systemClock('Asia/Shanghai'),
            targets: { experiment: experimentImportTarget },
          },
        );
        if (!r.ok || r.value.status !== 'committed') throw new Error(`import ${id} failed`);
      }
    },
  });
  page = d.page;
  d.expectBadRequests.push('/v1/analytics/experiments');
}, 120_000);

afterAll(async () => {
  await d?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every figure of the lift view equals the API's lift of the same experiment and options. */
async function expectScreenEqualsApi(id: string, query = ''): Promise<Lift> {
  const api = await apiJson<Lift>(page, 'GET', `/v1/analytics/experiments/${id}/lift${query}`);
  expect(api.status).toBe(200);
  await page.locator(`[data-testid="lift-view"][data-experiment="${id}"]`).waitFor();
  for (const m of api.body.metrics) {
    for (const a of m.arms)
      if (a.mean !== null) expect(Number(await rawValue(page, `arm-mean-${m.metric}-${a.arm}`))).toBe(a.mean);
    for (const c of m.comparisons) {
      if (c.absolute)
        expect(Number(await rawValue(page, `cmp-abs-${m.metric}-${c.arm}`))).toBe(c.absolute.estimate);
      if (c.relative)
        expect(Number(await rawValue(page, `cmp-rel-${m.metric}-${c.arm}`))).toBe(c.relative.estimate);
      if (c.test.pValue !== null)
        expect(Number(await rawValue(page, `cmp-p-${m.metric}-${c.arm}`))).toBe(c.test.pValue);
      if (c.power !== null)
        expect(Number(await rawValue(page, `cmp-power-${m.metric}-${c.arm}`))).toBe(c.power);
    }
  }
  const flagged = await page.getByTestId('lift-srm').getAttribute('data-flagged');
  expect(flagged).toBe(api.body.srm ? String(api.body.srm.flagged) : 'unknown');
  return api.body;
}

describe.runIf(HAVE_CHROMIUM)('experiments and lift in the dashboard', () => {
  it('lists the experiments and shows a lift equal to the API, with a chart per metric', async () => {
    await signIn(page, d.base, ADMIN.username, ADMIN.password);
    await page.goto(`${d.base}/analytics/experiments`);
    await page.getByTestId('experiment-row-campaign').click();
    const lift = await expectScreenEqualsApi('campaign');
    expect(lift.srm?.flagged).toBe(false);
    for (const m of ['converted', 'spend']) {
      await page.getByTestId(`lift-chart-${m}`).locator('canvas').first().waitFor();
      await expect(page.getByTestId(`metric-${m}`).getByTestId('analysis-meta').innerText()).resolves.toMatch(
        /Definition[\s\S]*Window/,
      );
    }
    await page.screenshot({ path: '.tmp/analytics-experiments.png', fullPage: true });
  }, 60_000);

  it('follows the confidence level and the control arm', async () => {
    await choose(page, page.getByTestId('lift-confidence'), '99%');
    await page.locator('[data-testid="lift-view"][data-confidence="0.99"]').waitFor();
    await expectScreenEqualsApi('campaign', '?confidence=0.99');
    await choose(page, page.getByTestId('lift-control'), 'Mail A');
    await page.locator('[data-testid="lift-view"][data-control="Mail A"]').waitFor();
    const lift = await expectScreenEqualsApi('campaign', '?confidence=0.99&control=Mail%20A');
    expect(lift.control).toBe('Mail A');
  }, 60_000);

  it('warns of a sample-ratio mismatch and gives reasons instead of missing numbers', async () => {
    await page.getByTestId('experiment-row-skewed').click();
    const lift = await expectScreenEqualsApi('skewed');
    expect(lift.srm?.flagged).toBe(true);
    await expect(page.getByTestId('lift-srm').innerText()).resolves.toMatch(/Sample-ratio mismatch/);
    const reason = lift.metrics[0]!.comparisons[0]!.relativeReason!;
    expect(reason).toMatch(/control rate is 0/);
    await expect(page.getByTestId('metric-converted').innerText()).resolves.toContain(reason);
    await expect(page.locator('body').innerText()).resolves.not.toMatch(/NaN|Infinity/);

    // In Chinese the same reason is the catalogue's Chinese sentence, never the server's English.
    const inLang = async (lang: 'zh-CN' | 'en-US') => {
      await page.evaluate((l) => window.localStorage.setItem('flywheel.lang', l), lang);
      await page.reload();
      await page.getByTestId('experiment-row-skewed').click();
      await page.locator('[data-testid="lift-view"][data-experiment="skewed"]').waitFor();
    };
    await inLang('zh-CN');
    const chinese = translateReason(reason, 'zh-CN');
    expect(chinese).toBe('对照组比率为 0：相对提升无定义');
    const card = await page.getByTestId('metric-converted').innerText();
    expect(card).toContain(chinese);
    expect(card).not.toContain(reason);
    await inLang('en-US');
  }, 60_000);

  it('uploads an experiment through the form; a rejected file names its rows and writes nothing', async () => {
    const form = page.getByTestId('experiment-upload');
    const upload = async (csv: string, mapping: unknown) => {
      await form
        .locator('input[type="file"]')
        .first()
        .setInputFiles({
          name: 'units.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(csv),
        });
      await page.getByTestId('experiment-upload-mapping').fill(JSON.stringify(mapping));
      await page.getByTestId('experiment-upload-submit').click();
    };
    await upload(csvOf({ Control: [3, 1], B: [3, 2] }) + 'u7,B,maybe,0\n', mappingOf('ui_bad', 'Bad file'));
    await page.getByTestId('experiment-upload-error').waitFor();
    await expect(page.getByTestId('experiment-upload-error-row').first().innerText()).resolves.toMatch(
      /row 7 \(line 8\), metrics\.converted: binary metric must be 0 or 1/,
    );
    expect((await apiJson(page, 'GET', '/v1/analytics/experiments/ui_bad')).status).toBe(404);

    await upload(
      csvOf({ Control: [120, 12], B: [120, 30] }),
      mappingOf('ui_good', 'Uploaded in the browser'),
    );
    await page.getByTestId('experiment-upload-result').waitFor();
    await page.getByTestId('experiment-row-ui_good').waitFor();
    await expectScreenEqualsApi('ui_good');
  }, 60_000);

  it('shows an analyst the lift but neither the upload form nor delete', async () => {
    await page.context().clearCookies();
    await signIn(page, d.base, ANALYST.username, ANALYST.password);
    await page.goto(`${d.base}/analytics/experiments/campaign`);
    await expectScreenEqualsApi('campaign');
    expect(await page.getByTestId('experiment-upload').count()).toBe(0);
    expect(await page.getByTestId('experiment-delete-campaign').count()).toBe(0);
    expect(d.consoleErrors).toEqual([]);
  }, 60_000);
});
