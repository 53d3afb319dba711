// The OGSM card as a team uses it on a campaign's, journey's or activity's page: a plan written (objective, one goal
// with its target, a strategy), the goal then measured on the card, the strategy scored and the lesson written, both
// still there after a reload. Shared by the journeys and activities walks.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Plans, reads and reviews a subject's OGSM on its open page; the goal's measured value as the card shows it. */
export async function planAndReviewOgsm(
  page: Page,
  plan: { objective: string; target: number; strategy: string; note: string; lesson: string },
): Promise<string> {
  const card = page.getByTestId('ogsm-review');
  await card.scrollIntoViewIfNeeded();
  await card.getByTestId('ogsm-create').click();
  await card.getByTestId('ogsm-objective').fill(plan.objective);
  // A new plan's form starts with one goal row (and maybe a strategy row); rows are added only when missing.
  if ((await card.getByTestId('ogsm-goal-target').count()) === 0)
    await card.getByTestId('ogsm-add-goal').click();
  await card.getByTestId('ogsm-goal-target').first().fill(String(plan.target));
  if ((await card.getByTestId('ogsm-strategy-text').count()) === 0)
    await card.getByTestId('ogsm-add-strategy').click();
  await card.getByTestId('ogsm-strategy-text').first().fill(plan.strategy);
  await card.getByTestId('ogsm-save').click();
  // Saved: the goal measured now, against its target.
  await card.getByTestId('ogsm-objective-text').waitFor();
  expect(await card.getByTestId('ogsm-objective-text').innerText()).toContain(plan.objective);
  const value = card.getByTestId('ogsm-value').first();
  await value.waitFor();
  const measured = (await value.innerText()).trim();
  expect(measured).not.toBe('');

  // The review: the strategy scored 4 of 5 with a note, the lesson written.
  const strategy = card.locator('[data-testid^="ogsm-strategy-"]').first();
  await strategy.locator('.ant-rate-star').nth(3).click();
  await strategy.locator('input').fill(plan.note);
  await card.getByTestId('ogsm-lesson').fill(plan.lesson);
  await card.getByTestId('ogsm-save-review').click();
  await expect.poll(() => page.locator('.ant-message').innerText()).toMatch(/复盘已保存|Review saved/);
  await page.reload();
  await card.getByTestId('ogsm-lesson').waitFor();
  await expect.poll(() => card.getByTestId('ogsm-lesson').inputValue()).toBe(plan.lesson);
  expect(await strategy.locator('.ant-rate-star-full').count()).toBe(4);
  expect(await strategy.locator('input').inputValue()).toBe(plan.note);
  return measured;
}
