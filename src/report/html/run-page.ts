/**
 * A rollout, rotate or fix run as one HTML page: counts by result, the device table (sortable, filterable) and per
 * device what changed, what went wrong and the exact commands sent, as redacted as the transcripts. Pure.
 */
import type { DeviceOutcome, RunSummary } from '../events.js';
import { RESULT_ORDER, RESULT_WORDS } from '../format.js';
import { describeChanges } from '../final-report.js';
import { anchor, card, colgroup, esc, page, tableTools, th } from './page.js';

function row(o: DeviceOutcome): string {
  return `<tr data-state="${esc(o.result)}"><td><a href="#${anchor(o.device)}">${esc(o.device)}</a></td><td>${esc(o.host)}</td><td class="state-${esc(o.result)}">${esc(RESULT_WORDS[o.result])}</td><td>${esc(describeChanges(o, 120))}</td><td class="num">${o.roundTrips}</td><td class="num" data-v="${o.durationMs}">${esc((o.durationMs / 1000).toFixed(1))} s</td></tr>`;
}

function detail(o: DeviceOutcome): string {
  const changes =
    o.changes.length === 0
      ? ''
      : `<ul>${o.changes.map((c) => `<li>${esc(c.object)} ${esc(c.action)}${c.detail === undefined ? '' : ` <span class="dim">(${esc(c.detail)})</span>`}</li>`).join('')}</ul>`;
  const error =
    o.error === undefined
      ? ''
      : `<p class="state-failed">${esc(o.error.message)}${o.error.step === undefined ? '' : ` <span class="dim">at ${esc(o.error.step)}</span>`}</p>${o.error.deviceText ? `<pre>${esc(o.error.deviceText)}</pre>` : ''}${o.error.hint ? `<p>What to do: ${esc(o.error.hint)}</p>` : ''}`;
  const diagnoses = (o.diagnoses ?? []).length === 0 ? '' : `<ul>${(o.diagnoses ?? []).map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`;
  const commands =
    (o.commands ?? []).length === 0
      ? ''
      : `<details><summary>${(o.commands ?? []).length} commands sent</summary><pre>${esc((o.commands ?? []).join('\n'))}</pre></details>`;
  return `<h3 id="${anchor(o.device)}">${esc(o.device)} <span class="dim">${esc(o.host)} · ${esc(RESULT_WORDS[o.result])}</span></h3>${error}${diagnoses}${changes}${commands}`;
}

export function renderRunHtml(outcomes: readonly DeviceOutcome[], summary: RunSummary): string {
  const cards = [
    card('devices', summary.devices),
    ...RESULT_ORDER.filter((r) => summary.byResult[r] > 0).map((r) =>
      card(RESULT_WORDS[r], summary.byResult[r], r === 'failed' ? 'bad' : r === 'rolled-back' ? 'warn' : r === 'changed' ? 'ok' : ''),
    ),
  ].join('');
  const states = RESULT_ORDER.filter((r) => summary.byResult[r] > 0).map((r) => [r, RESULT_WORDS[r]] as const);
  const body = [
    `<section class="cards">${cards}</section>`,
    summary.stoppedEarly === undefined ? '' : `<p class="state-failed">Stopped early: ${esc(summary.stoppedEarly)}</p>`,
    `<h2>Devices</h2>${tableTools(states)}`,
    `<table id="devices">${colgroup([16, 12, 10, 42, 9, 11])}<thead><tr>${th('Device')}${th('Host')}${th('Result')}${th('Changes')}${th('Round trips', true)}${th('Time', true)}</tr></thead><tbody>${outcomes.map(row).join('\n')}</tbody></table>`,
    `<h2>Changes and commands</h2>${outcomes.map(detail).join('\n')}`,
  ].join('\n');
  const meta = `${esc(summary.startedAt)} · ${esc(summary.devices)} devices · ${esc((summary.durationMs / 1000).toFixed(1))} s`;
  return page({ title: `certagent ${summary.command} ${summary.startedAt.slice(0, 10)}`, meta, body });
}
