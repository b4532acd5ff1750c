/** The Data Docs pages (Handlebars, HTML-escaped by default). Plain HTML and CSS: no scripts, readable offline. */

const STYLE = `<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700;font-weight:600}
code,pre{font:12px ui-monospace,monospace;background:#f6f8fa}pre{padding:.5rem;overflow:auto;white-space:pre-wrap}
.muted{color:#57606a}details{margin:.25rem 0}
</style>`;

export const VALIDATION_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{suite}}: {{#if success}}passed{{else}}failed{{/if}}</title>${STYLE}</head>
<body>
<p><a href="{{indexHref}}">← all suites</a></p>
<h1>{{suite}} <span class="{{#if success}}ok{{else}}fail{{/if}}">{{#if success}}passed{{else}}failed{{/if}}</span></h1>
<p>Table <code>{{table}}</code>{{#if where}}, rows where <code>{{where}}</code>{{/if}}.
Validated {{startedAt}} in {{ms}} ms with {{queries}} quer{{#if oneQuery}}y{{else}}ies{{/if}}{{#if run}}, run <code>{{run}}</code>{{/if}}.
{{errors}} error(s), {{warnings}} warning(s), {{total}} expectation(s).</p>
<table>
<tr><th>#</th><th>expectation</th><th>severity</th><th>result</th><th>observed</th><th>what happened</th></tr>
{{#each results}}
<tr>
<td>{{index}}</td>
<td><code>{{type}}</code><br><span class="muted">{{kwargsText}}</span></td>
<td>{{severity}}</td>
<td class="{{cssClass}}">{{verdict}}</td>
<td><code>{{observedText}}</code></td>
<td>{{summary}}
{{#if sampleRows.length}}
<details><summary>{{sampleRows.length}} sample failing row(s)</summary>
<table><tr>{{#each sampleColumns}}<th>{{this}}</th>{{/each}}</tr>
{{#each sampleRows}}<tr>{{#each this}}<td><code>{{this}}</code></td>{{/each}}</tr>{{/each}}
</table></details>
{{/if}}
{{#if failingRowsSql}}<details><summary>SQL for every failing row</summary><pre>{{failingRowsSql}}</pre></details>{{/if}}
</td>
</tr>
{{/each}}
</table>
</body></html>
`;

export const INDEX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data Docs</title>${STYLE}</head>
<body>
<h1>Data Docs</h1>
<p class="muted">The latest validation of each expectation suite. Updated {{updatedAt}}.</p>
<table>
<tr><th>suite</th><th>table</th><th>latest result</th><th>errors</th><th>warnings</th><th>expectations</th><th>validated</th></tr>
{{#each suites}}
<tr>
<td>{{#if href}}<a href="{{href}}">{{suite}}</a>{{else}}{{suite}}{{/if}}</td>
<td><code>{{table}}</code></td>
<td class="{{cssClass}}">{{verdict}}</td>
<td>{{errors}}</td><td>{{warnings}}</td><td>{{expectations}}</td><td>{{validatedAt}}</td>
</tr>
{{/each}}
</table>
</body></html>
`;
