/**
 * The HTML reports in a real browser (Debian's chromium): they load from file:// with no console error and no
 * request beyond the file, the table and the chart are there, sorting and filtering work, device text stays text
 * (a CN carrying <script> shows, never runs), and 10,000 devices stay a light page that opens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderAuditHtml } from '../../../src/report/html/audit-page.js';
import { renderRunHtml } from '../../../src/report/html/run-page.js';
import { bucketExpiries } from '../../../src/report/html/chart.js';
import type { DeviceOutcome } from '../../../src/report/events.js';
import { AUDIT_NOW, healthyDevice, sampleFleet, summaryOf } from '../../helpers/audits.js';
import { openReport, secretsIn, startBrowser } from '../../helpers/browser.js';
import type { Browser } from '../../helpers/browser.js';

describe('HTML reports in headless chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certagent-html-'));
    browser = await startBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the audit: summary, timeline, a sortable and filterable table, findings as text', async () => {
    const fleet = sampleFleet();
    const path = join(dir, 'audit.html');
    writeFileSync(path, renderAuditHtml(fleet, summaryOf(fleet), AUDIT_NOW));
    const { page, problems, requests } = await openReport(browser, path);
    expect(await page.locator('#devices tbody tr').count()).toBe(5);
    expect(await page.locator('#timeline rect').count()).toBe(54);
    expect(await page.locator('#count').textContent()).toBe('5 of 5 devices shown');
    // Device order: findings first, soonest expiry first.
    expect(await page.locator('#devices tbody tr td:first-child').allTextContents()).toEqual(['R2', 'R3', 'R4', 'R5', 'R1']);
    await page.locator('#devices th', { hasText: 'Device' }).click();
    await page.locator('#devices th', { hasText: 'Device' }).click();
    expect(await page.locator('#devices tbody tr td:first-child').allTextContents()).toEqual(['R5', 'R4', 'R3', 'R2', 'R1']);
    await page.locator('#devices th', { hasText: 'Soonest expiry' }).click();
    expect((await page.locator('#devices tbody tr td:first-child').allTextContents()).slice(0, 2)).toEqual(['R2', 'R3']);
    await page.fill('#filter', 'mail-failing');
    expect(await page.locator('#count').textContent()).toBe('1 of 5 devices shown');
    expect(await page.locator('#devices tbody tr:visible td:first-child').allTextContents()).toEqual(['R4']);
    await page.fill('#filter', '');
    await page.selectOption('#show', 'unreachable');
    expect(await page.locator('#devices tbody tr:visible td:first-child').allTextContents()).toEqual(['R5']);
    // The CN with markup is shown as text, and nothing ran.
    expect(await page.locator('main').textContent()).toContain('cn=Old "Corp" <script>alert(1)</script>');
    expect(await page.locator('main script').count()).toBe(0);
    await page.screenshot({ path: join(dir, 'audit.png'), fullPage: true });
    expect(statSync(join(dir, 'audit.png')).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(secretsIn(readFileSync(path, 'utf8'), [])).toEqual([]);
  });

  it('shows a run: results, changes and the commands sent', async () => {
    const outcome = (device: string, result: DeviceOutcome['result']): DeviceOutcome => ({
      device,
      host: '192.0.2.9',
      result,
      changes: result === 'changed' ? [{ object: 'trustpoint LAB-Root', action: 'created', detail: 'cn=Lab Root, serial 01' }] : [],
      commands: ['configure terminal', 'crypto pki trustpoint LAB-Root', 'event manager environment _email_server <secret>', 'end'],
      roundTrips: 12,
      startedAt: AUDIT_NOW.toISOString(),
      durationMs: 2100,
      ...(result === 'rolled-back' && {
        error: { message: `${device}: applet failed: error in connecting to SMTP server`, hint: 'check the mail server chain' },
      }),
    });
    const path = join(dir, 'run.html');
    writeFileSync(
      path,
      renderRunHtml([outcome('R1', 'changed'), outcome('R2', 'rolled-back')], {
        command: 'rollout',
        startedAt: AUDIT_NOW.toISOString(),
        durationMs: 9000,
        devices: 2,
        byResult: { changed: 1, unchanged: 0, failed: 0, 'rolled-back': 1, planned: 0, skipped: 0 },
      }),
    );
    const { page, problems, requests } = await openReport(browser, path);
    expect(await page.locator('#devices tbody tr').count()).toBe(2);
    expect(await page.locator('main').textContent()).toContain('event manager environment _email_server <secret>');
    await page.selectOption('#show', 'rolled-back');
    expect(await page.locator('#devices tbody tr:visible td:first-child').allTextContents()).toEqual(['R2']);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('keeps 10,000 devices to a light page that opens with every row', async () => {
    const fleet = Array.from({ length: 10_000 }, (_, i) => {
      const a = healthyDevice(`rtr-${String(i).padStart(5, '0')}`, 5 + (i % 700));
      return i % 50 === 0
        ? {
            ...a,
            findings: [{ kind: 'expiring' as const, trustpoint: 'LAB-Issuing', message: `LAB-Issuing: the CA certificate expires in ${5 + (i % 700)} days` }],
          }
        : a;
    });
    const html = renderAuditHtml(fleet, summaryOf(fleet), AUDIT_NOW);
    const path = join(dir, 'big.html');
    writeFileSync(path, html);
    // About 0.5 KiB per device: the chart does not grow, the per-device details are only for devices with findings.
    expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024 * 1024);
    const { page, problems } = await openReport(browser, path);
    expect(await page.locator('#devices tbody tr').count()).toBe(10_000);
    expect(await page.locator('#timeline rect').count()).toBe(54);
    await page.fill('#filter', 'rtr-0999');
    expect(await page.locator('#count').textContent()).toBe('10 of 10000 devices shown');
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('expiry timeline buckets', () => {
  it('counts expired, by week for a year, and later', () => {
    const day = 86_400_000;
    const at = (d: number) => new Date(AUDIT_NOW.getTime() + d * day).toISOString();
    const b = bucketExpiries({ notAfter: [at(-1), at(0), at(3), at(8), at(363), at(364), at(900)], now: AUDIT_NOW, warnBeforeSeconds: 0 });
    expect([b.expired, b.weeks[0], b.weeks[1], b.weeks[51], b.later]).toEqual([2, 1, 1, 1, 2]);
  });
});
