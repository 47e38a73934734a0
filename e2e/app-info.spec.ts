import { test, expect } from './fixtures';

test('the renderer shows app.info fetched through the typed client', async ({ page, server }) => {
  await page.goto(server.url);
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
  await expect(page.getByTestId('registry-path')).toContainText(server.home);
  await expect(page.getByTestId('scoring-url')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+$/);
  // the token is moved out of the address bar once read
  expect(page.url()).not.toContain('token=');
});
