/**
 * The frame every HTML report shares: one self-contained file (inline CSS, inline SVG, one small script for
 * sorting and filtering the device table), a Content-Security-Policy that forbids every fetch, so the page never
 * reaches the network wherever it is opened (a change ticket, a NOC screen, a mail attachment). Device text is
 * escaped with escape-html (jshttp's, the one Express uses) at every interpolation: `esc` is the only way text
 * gets into the markup.
 */
import escapeHtml from 'escape-html';

export function esc(text: string | number | undefined): string {
  return escapeHtml(text === undefined ? '' : String(text));
}

const CSS = `
:root{--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--dim:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header,main{max-width:1200px;margin:0 auto;padding:16px 24px}header{border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:var(--dim);margin:0}.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:14px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px;background:var(--bg)}
.card b{display:block;font-size:22px}.card.bad b{color:var(--bad)}.card.warn b{color:var(--warn)}.card.ok b{color:var(--ok)}
.tools{display:flex;gap:10px;align-items:center;margin-bottom:8px}input,select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{background:var(--bg);cursor:pointer;user-select:none;position:sticky;top:0}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums}.state-ok{color:var(--ok)}.state-findings,.state-rolled-back{color:var(--warn)}
.state-unreachable,.state-failed{color:var(--bad)}.dim{color:var(--dim)}ul{margin:4px 0 10px;padding-left:20px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto;font-size:12px}
svg text{font:11px system-ui,sans-serif;fill:#57606a}.chart{border:1px solid var(--line);border-radius:6px;padding:8px}
details summary{cursor:pointer}`;

/** Sorts on a header click (numbers by `data-v`), filters by text and by row state; nothing else. */
const SCRIPT = `(function(){var t=document.getElementById("devices");if(!t)return;var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),
f=document.getElementById("filter"),s=document.getElementById("show"),c=document.getElementById("count"),key=-1,dir=1,
text=rows.map(function(r){return r.textContent.toLowerCase()});
function apply(){var q=f.value.toLowerCase(),k=s.value,n=0;rows.forEach(function(r,i){var ok=(!q||text[i].indexOf(q)>=0)&&(k==="all"||r.getAttribute("data-state")===k);r.hidden=!ok;if(ok)n++});c.textContent=n+" of "+rows.length+" devices shown"}
t.tHead.addEventListener("click",function(e){var th=e.target.closest("th");if(!th)return;var i=th.cellIndex,num=th.getAttribute("data-type")==="num";dir=i===key?-dir:1;key=i;
function v(r){var d=r.cells[i],x=d.hasAttribute("data-v")?d.getAttribute("data-v"):d.textContent;return num?Number(x):x.toLowerCase()}
var order=rows.map(function(r,j){return j});var vals=rows.map(v);order.sort(function(a,z){return (vals[a]<vals[z]?-1:vals[a]>vals[z]?1:a-z)*dir});
var sorted=order.map(function(j){return rows[j]}),tx=order.map(function(j){return text[j]});rows=sorted;text=tx;b.append.apply(b,rows);
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h){h.removeAttribute("aria-sort")});th.setAttribute("aria-sort",dir>0?"ascending":"descending")});
f.addEventListener("input",apply);s.addEventListener("change",apply);c.textContent=rows.length+" of "+rows.length+" devices shown"})();`;

export interface PageParts {
  readonly title: string;
  readonly meta: string;
  /** Already-escaped markup. */
  readonly body: string;
}

export function page(parts: PageParts): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(parts.title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(parts.title)}</h1><p class="meta">${parts.meta}</p></header>
<main>${parts.body}</main>
<script>${SCRIPT}</script></body></html>
`;
}

export function card(label: string, value: number, tone: 'ok' | 'warn' | 'bad' | '' = ''): string {
  return `<div class="card ${tone}"><b>${esc(value)}</b>${esc(label)}</div>`;
}

/** The filter box, the row-state select and the shown-rows counter above a device table. */
export function tableTools(states: readonly (readonly [string, string])[]): string {
  const options = [['all', 'all devices'], ...states].map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join('');
  return `<div class="tools"><input id="filter" type="search" placeholder="filter devices, hosts, findings" aria-label="filter"><select id="show" aria-label="show">${options}</select><span id="count" class="dim"></span></div>`;
}

/** Column widths in percent: the table is laid out fixed, so 10,000 rows need not be measured before it shows. */
export function colgroup(widths: readonly number[]): string {
  return `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>`;
}

export function th(title: string, numeric = false): string {
  return `<th${numeric ? ' data-type="num"' : ''}>${esc(title)}</th>`;
}

/** An anchor id safe for any device name. */
export function anchor(device: string): string {
  return `d-${Buffer.from(device).toString('hex')}`;
}
