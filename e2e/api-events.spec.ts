import { test, expect } from './fixtures';

// The browser mode end to end at the API level: a run started over HTTP streams its progress to the
// page over Server-Sent Events, with the token, from the page's own origin.
test('a run started through the HTTP API streams progress events over SSE', async ({ page, server }) => {
  await page.goto(server.url);
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
  const result = await page.evaluate(async (token) => {
    const seen: { event: string; stage?: string; status?: string }[] = [];
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve) => es.addEventListener('open', () => resolve()));
    const finished = new Promise<void>((resolve) => {
      for (const name of ['run.queued', 'run.progress', 'run.finished']) {
        es.addEventListener(name, (msg) => {
          const env = JSON.parse((msg as MessageEvent<string>).data) as {
            payload: { stage?: string; status?: string };
          };
          seen.push({ event: name, stage: env.payload.stage, status: env.payload.status });
          if (name === 'run.finished') resolve();
        });
      }
    });
    const res = await fetch('/api/runs.start', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        id: '1',
        args: {
          configPath: 'base_config.yaml',
          overrides: {
            set: ['model.hyperparameters.n_estimators=20', 'model.hyperparameters.early_stopping_rounds=0'],
          },
        },
      }),
    });
    const started = (await res.json()) as { ok: boolean; value: { run_id: string } };
    await finished;
    es.close();
    return { started, seen };
  }, server.token);
  expect(result.started.ok).toBe(true);
  const events = result.seen.map((s) => s.event);
  expect(events[0]).toBe('run.queued');
  expect(events).toContain('run.progress');
  expect(result.seen.some((s) => s.stage === 'training')).toBe(true);
  expect(result.seen[result.seen.length - 1]).toMatchObject({ event: 'run.finished', status: 'succeeded' });
});

test('the API refuses a request without the token', async ({ request, server }) => {
  const res = await request.post(`${server.origin}/api/app.info`, { data: { id: '1', args: {} } });
  expect(res.status()).toBe(401);
});
