/**
 * The audit as one HTML page: counts, the expiry timeline, the device table (sortable, filterable) and each
 * device's findings in plain words with what it holds. Pure: DeviceAudits in, markup out.
 */
import type { AuditSummary, DeviceAudit } from '../audit/types.js';
import { auditOrder, describeFindings } from '../audit/table.js';
import { anchor, card, colgroup, esc, page, tableTools, th } from './page.js';
import { timelineSvg } from './chart.js';

const DAY = 86_400_000;

function state(a: DeviceAudit): 'ok' | 'findings' | 'unreachable' {
  return !a.up ? 'unreachable' : a.findings.length > 0 ? 'findings' : 'ok';
}

function row(a: DeviceAudit, now: Date): string {
  const s = state(a);
  const days = a.soonestExpiry === undefined ? undefined : Math.floor((Date.parse(a.soonestExpiry.notAfter) - now.getTime()) / DAY);
  const ago = a.soonestExpiry === undefined ? 0 : Math.floor((now.getTime() - Date.parse(a.soonestExpiry.notAfter)) / DAY);
  const expiry =
    a.soonestExpiry === undefined
      ? '<td data-v="999999" class="dim">-</td>'
      : `<td data-v="${days ?? 0}">${esc(a.soonestExpiry.notAfter.slice(0, 10))} <span class="dim">(${esc(days !== undefined && days < 0 ? `expired ${ago}d ago` : `${days ?? 0}d`)}, ${esc(a.soonestExpiry.trustpoint)})</span></td>`;
  const name = a.findings.length > 0 || !a.up ? `<a href="#${anchor(a.device)}">${esc(a.device)}</a>` : esc(a.device);
  return `<tr data-state="${s}"><td>${name}</td><td>${esc(a.host)}</td><td>${esc(a.transport)}</td><td class="state-${s}">${esc(s)}</td><td class="num" data-v="${a.up ? a.trustpoints.length : -1}">${a.up ? a.trustpoints.length : '-'}</td>${expiry}<td>${esc(a.mail.state)}</td><td>${esc(describeFindings(a))}</td></tr>`;
}

function holdings(a: DeviceAudit): string {
  if (a.trustpoints.length === 0) return '';
  const items = a.trustpoints.flatMap((tp) =>
    tp.certificates.map(
      (c) =>
        `<li>${esc(tp.name)}: ${esc(c.role)} ${esc(c.subject ?? '(unreadable)')}, serial ${esc(c.serialHex)}, SHA1 ${esc(c.sha1)}, valid ${esc(c.notBefore?.slice(0, 10))} – ${esc(c.notAfter?.slice(0, 10))}, ${esc(c.keyType)} ${esc(c.keyBits)}, ${esc(c.signatureHash)}</li>`,
    ),
  );
  return `<details><summary>${a.trustpoints.length} trustpoints held</summary><ul>${items.join('')}</ul></details>`;
}

function findingsBlock(a: DeviceAudit): string {
  const mail = a.mail.lastFailure ? `<p class="dim">last mail failure: ${esc(a.mail.lastFailure.line)}</p>` : '';
  return `<h3 id="${anchor(a.device)}">${esc(a.device)} <span class="dim">${esc(a.host)}</span></h3><ul>${a.findings.map((f) => `<li>${esc(f.message)}</li>`).join('')}</ul>${mail}${holdings(a)}`;
}

export function renderAuditHtml(audits: readonly DeviceAudit[], summary: AuditSummary, now: Date): string {
  const sorted = [...audits].sort(auditOrder);
  const f = summary.findings;
  const cards = [
    card('devices', summary.devices),
    card('reached', summary.up, summary.up === summary.devices ? 'ok' : 'bad'),
    card('with findings', summary.withFindings, summary.withFindings > 0 ? 'warn' : 'ok'),
    card('expired', f.expired ?? 0, (f.expired ?? 0) > 0 ? 'bad' : ''),
    card('expiring', f.expiring ?? 0, (f.expiring ?? 0) > 0 ? 'warn' : ''),
    card('weak', (f['weak-key'] ?? 0) + (f['weak-signature'] ?? 0), (f['weak-key'] ?? 0) + (f['weak-signature'] ?? 0) > 0 ? 'warn' : ''),
    card('drift', f.drift ?? 0, (f.drift ?? 0) > 0 ? 'warn' : ''),
    card('mail failing', f['mail-failing'] ?? 0, (f['mail-failing'] ?? 0) > 0 ? 'bad' : ''),
    card('unreachable', f.unreachable ?? 0, (f.unreachable ?? 0) > 0 ? 'bad' : ''),
  ].join('');
  const notAfter = audits.flatMap((a) => a.trustpoints.flatMap((t) => t.certificates.flatMap((c) => (c.notAfter === undefined ? [] : [c.notAfter]))));
  const bad = sorted.filter((a) => a.findings.length > 0);
  const body = [
    `<section class="cards">${cards}</section>`,
    `<h2>Expiry timeline</h2><p class="dim">${notAfter.length} certificates by the week they expire in; amber within --warn-before (${Math.round(summary.warnBeforeSeconds / 86_400)} days).</p>${timelineSvg({ notAfter, now, warnBeforeSeconds: summary.warnBeforeSeconds })}`,
    `<h2>Devices</h2>${tableTools([
      ['findings', 'with findings'],
      ['unreachable', 'unreachable'],
      ['ok', 'nothing found'],
    ])}`,
    `<table id="devices">${colgroup([12, 10, 8, 9, 10, 20, 7, 24])}<thead><tr>${th('Device')}${th('Host')}${th('Transport')}${th('State')}${th('Trustpoints', true)}${th('Soonest expiry', true)}${th('Mail')}${th('Findings')}</tr></thead><tbody>${sorted.map((a) => row(a, now)).join('\n')}</tbody></table>`,
    `<h2>Findings</h2>${bad.length === 0 ? '<p>Nothing found.</p>' : bad.map(findingsBlock).join('\n')}`,
  ].join('\n');
  const meta = `${esc(summary.startedAt)} · ${esc(summary.devices)} devices · ${esc((summary.durationMs / 1000).toFixed(1))} s · read-only`;
  return page({ title: `certagent audit ${summary.startedAt.slice(0, 10)}`, meta, body });
}
