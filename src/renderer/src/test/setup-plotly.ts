import { vi } from 'vitest';

/**
 * Component tests run in happy-dom, where real Plotly keeps redrawing from timers after a chart is
 * purged (TypeError on `_redrawFromAutoMarginCount`), failing whichever test runs next. The charts
 * are checked in Chromium by the Playwright journeys; here Plotly records what it was asked to draw.
 */
vi.mock('plotly.js-dist-min', () => {
  const react = vi.fn(async (el: HTMLElement, data: unknown[]) => {
    el.setAttribute('data-traces', String(data.length));
    return el;
  });
  const purge = vi.fn((el: HTMLElement) => el.removeAttribute('data-traces'));
  return { default: { react, purge }, react, purge };
});
