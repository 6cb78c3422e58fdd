// `isms mcp` driven by the official Model Context Protocol TypeScript SDK client, as an assistant
// would: initialize, list tools and resources, call read and write tools, and the refusals.
// Environment: ISMS (the binary), DB (a demo workspace), EVIDENCE (a file to attach).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { ISMS, DB, EVIDENCE } = process.env;
let checks = 0;
const check = (cond, what) => { checks++; assert.ok(cond, what); };

function cli(...args) {
  return execFileSync(ISMS, ['--db', DB, ...args], { encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function connect(role) {
  const args = ['--db', DB, 'mcp'];
  if (role) args.push('--role', role);
  const transport = new StdioClientTransport({ command: ISMS, args, env: { ...process.env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr.on('data', (d) => { stderr += d; });
  const client = new Client({ name: 'isms-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

async function call(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  return r;
}

function errorOf(r) {
  check(r.isError === true, 'a refused call is a tool error');
  return r.structuredContent.error;
}

const sessions = [];

// --- a viewer: read tools only ---
{
  const s = await connect();
  sessions.push(s);
  const { client } = s;
  check(client.getServerVersion().name === 'isms', 'server name');
  check(/ISO\/IEC 27001/.test(client.getInstructions()), 'instructions for the model');
  check(client.getServerCapabilities().tools, 'tools capability');
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const n of ['gap', 'readiness', 'soa_list', 'risk_list', 'asset_list', 'control_get', 'evidence_list',
                   'check_list', 'policy_list', 'audit_list', 'ask'])
    check(names.includes(n), `read tool ${n} listed`);
  for (const n of ['policy_templates', 'policy_get'])
    check(names.includes(n), `read tool ${n} listed`);
  for (const n of ['risk_add', 'risk_treat', 'soa_decide', 'evidence_add', 'finding_add', 'action_add',
                   'policy_generate', 'policy_edit', 'policy_approve', 'policy_acknowledge'])
    check(!names.includes(n), `write tool ${n} hidden from a viewer`);
  for (const t of tools) {
    check(t.inputSchema.type === 'object' && t.inputSchema.additionalProperties === false, `${t.name} schema closed`);
    check(t.description.length > 40, `${t.name} described for a model`);
    check(t.annotations.readOnlyHint === true, `${t.name} marked read-only`);
  }
  const cg = tools.find((t) => t.name === 'control_get');
  check(cg.inputSchema.required.includes('id') && cg.inputSchema.properties.id.type === 'string', 'control_get schema');

  const refused = await call(client, 'risk_add', { title: 'x', likelihood: 2, impact: 2 });
  check(/read only/.test(refused.content[0].text), 'write tool refused to a viewer: ' + refused.content[0].text);
  const refusedPolicy = await call(client, 'policy_approve', { name: 'backup', by: 'Viewer' });
  check(refusedPolicy.isError && /read only/.test(refusedPolicy.content[0].text), 'policy approval refused to a viewer');

  const gap = await call(client, 'gap', {});
  check(!gap.isError && gap.structuredContent.controls_total === 93, 'gap over 93 controls');
  check(JSON.parse(gap.content[0].text).readiness === gap.structuredContent.readiness, 'text and structured content agree');
  // gap exits 1 while gaps remain: its answer is on stdout either way
  const cliGap = JSON.parse(spawnSync(ISMS, ['--db', DB, 'gap', '--json'], { encoding: 'utf8' }).stdout);
  check(cliGap.readiness === gap.structuredContent.readiness, 'gap as the CLI computes it');

  const rd = await call(client, 'readiness', {});
  check(!rd.isError && Array.isArray(rd.structuredContent.requirements) && rd.structuredContent.blockers > 0, 'readiness requirements and blockers');

  const guide = await call(client, 'control_get', { id: 'A.5.23' });
  check(guide.structuredContent.title === 'Information security for use of cloud services', 'guidance title');
  check(guide.structuredContent.evidence.length > 20, 'guidance evidence');
  const mapped = await call(client, 'control_get', { id: 'A.9.4.2' });
  check(mapped.structuredContent.id === 'A.8.5', '2013 id mapped to 2022: ' + JSON.stringify(mapped.structuredContent).slice(0, 80));

  const ask = await call(client, 'ask', { question: 'what evidence do I need for A.5.23?' });
  check(ask.structuredContent.passages.length > 0 && ask.structuredContent.ids_recognized.includes('A.5.23'), 'ask passages');

  const soa = await call(client, 'soa_list', { theme: 'People' });
  check(soa.structuredContent.total === 8 && soa.structuredContent.items.every((e) => e.id.startsWith('A.6.')), 'SoA by theme');

  const risks = await call(client, 'risk_list', { limit: 3 });
  check(risks.structuredContent.items.length === 3 && risks.structuredContent.total > 3, 'risk page');
  const assets = await call(client, 'asset_list', { limit: 2, q: 'PostgreSQL' });
  check(assets.structuredContent.items.length >= 1, 'asset search');

  // bad arguments name the field
  let e = errorOf(await call(client, 'control_get', {}));
  check(e.field === 'id' && /required/.test(e.message), 'missing field named');
  e = errorOf(await call(client, 'risk_list', { limit: 'many' }));
  check(e.field === 'limit', 'wrong type named');
  e = errorOf(await call(client, 'risk_list', { limit: 100000 }));
  check(e.field === 'limit' && /from 1 to 500/.test(e.message), 'out of range named');
  e = errorOf(await call(client, 'soa_list', { colour: 'red' }));
  check(e.field === 'colour' && /unknown field/.test(e.message), 'unknown member refused');
  e = errorOf(await call(client, 'soa_list', { status: 'done' }));
  check(e.field === 'status' && /not_started/.test(e.message), 'enum choices named');
  e = errorOf(await call(client, 'risk_get', { id: 99999 }));
  check(e.code === 'not_found', 'unknown risk: ' + e.message);
  e = errorOf(await call(client, 'soa_get', { control: 'A.99.1' }));
  check(e.field === 'control' && e.code === 'not_found', 'unknown control named');

  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (err) => err.code === -32602);
  checks++;

  // resources
  const { resources } = await client.listResources();
  check(resources.some((r) => r.uri === 'isms://catalog'), 'catalog resource');
  const cat = await client.readResource({ uri: 'isms://catalog' });
  check(JSON.parse(cat.contents[0].text).controls.length === 93, 'catalog holds 93 controls');
  const { resourceTemplates } = await client.listResourceTemplates();
  check(resourceTemplates[0].uriTemplate === 'isms://guidance/{id}', 'guidance template');
  const g = await client.readResource({ uri: 'isms://guidance/9.3' });
  check(JSON.parse(g.contents[0].text).kind === 'clause', 'clause guidance resource');
  await assert.rejects(client.readResource({ uri: 'isms://nothing' }), (err) => err.code === -32002);
  checks++;
  const pol = resources.find((r) => r.uri.startsWith('isms://policies/'));
  check(pol, 'a policy resource listed');
  const pt = await client.readResource({ uri: pol.uri });
  check(pt.contents[0].mimeType === 'text/markdown' && pt.contents[0].text.startsWith('#'), 'policy text in Markdown');
}

// --- an editor: the write tools, each one transaction in the audit log as "mcp" ---
{
  const s = await connect('editor');
  sessions.push(s);
  const { client } = s;
  const { tools } = await client.listTools();
  const add = tools.find((t) => t.name === 'risk_add');
  check(add && add.annotations.readOnlyHint === false, 'risk_add listed for an editor');
  check(add.inputSchema.properties.likelihood.type === 'integer' && add.inputSchema.required.includes('title'), 'risk_add schema');

  const logBefore = JSON.parse(cli('log', '--json')).length;
  const r = await call(client, 'risk_add', {
    title: 'Laptop stolen from a car', asset: 'RDS PostgreSQL cluster', threat: 'T01', vulnerability: 'V01',
    likelihood: 3, impact: 4, owner: 'Dana Lee',
  });
  check(!r.isError, 'risk added: ' + r.content[0].text);
  const risk = r.structuredContent;
  check(risk.score === 12 && risk.title === 'Laptop stolen from a car' && risk.owner === 'Dana Lee', 'risk as added');
  check(risk.threat && risk.threat !== 'T01', 'library threat id expanded: ' + risk.threat);
  const shown = JSON.parse(cli('risk', 'show', String(risk.id), '--json'));
  assert.deepEqual(shown, risk, 'the CLI shows the same risk document');
  checks++;

  let e = errorOf(await call(client, 'risk_add', { title: '   ', threat: 't', vulnerability: 'v', owner: 'o', likelihood: 3, impact: 4 }));
  check(e.field === 'title', 'blank title refused: ' + e.message);
  e = errorOf(await call(client, 'risk_add', { title: 'x', threat: 't', vulnerability: 'v', owner: 'o', likelihood: 3, impact: 4, asset: 'No such asset' }));
  check(e.field === 'asset', 'unknown asset named');

  const t = await call(client, 'risk_treat', {
    id: risk.id, option: 'mitigate', controls: ['A.8.1', 'A.7.9'], residual_likelihood: 1, residual_impact: 4,
    treatment_owner: 'IT', due_date: '2027-03-01', plan: 'Full-disk encryption and remote wipe',
  });
  check(!t.isError && t.structuredContent.treatment === 'mitigate', 'risk treated: ' + t.content[0].text.slice(0, 200));
  check(JSON.stringify(t.structuredContent).includes('A.8.1'), 'treatment controls recorded');
  e = errorOf(await call(client, 'risk_treat', { id: risk.id, due_date: '2027-02-30x' }));
  check(e.field === 'due_date', 'bad date named');
  const keep = await call(client, 'risk_treat', { id: risk.id, plan: 'Encryption, wipe and a cable lock' });
  check(keep.structuredContent.treatment === 'mitigate' && keep.structuredContent.due_date === '2027-03-01',
        'a re-treatment keeps what it does not name');
  const acc = await call(client, 'risk_accept', { id: risk.id, by: 'Dana Lee' });
  check(!acc.isError && acc.structuredContent.accepted_by === 'Dana Lee', 'residual risk accepted');

  const d = await call(client, 'soa_decide', {
    control: 'A.5.23', applicable: true, status: 'implemented', owner: 'Platform team',
    implementation: 'Cloud services are approved by the security lead and reviewed yearly.',
  });
  check(!d.isError && d.structuredContent.status === 'implemented', 'control decided: ' + d.content[0].text.slice(0, 200));
  const soaShown = JSON.parse(cli('soa', 'show', 'A.5.23', '--json'));
  check(soaShown.owner === 'Platform team' && soaShown.implementation.startsWith('Cloud services'), 'the CLI sees the decision');
  e = errorOf(await call(client, 'soa_decide', { control: 'A.5.1', reasons: ['because'] }));
  check(e.field === 'reasons', 'unknown reason named: ' + e.message);

  const ev = await call(client, 'evidence_add', {
    path: EVIDENCE, description: 'Cloud service register, reviewed', controls: ['A.5.23'], type: 'other',
  });
  check(!ev.isError && ev.structuredContent.collected_by === 'mcp' && ev.structuredContent.sha256.length === 64,
        'evidence kept: ' + ev.content[0].text.slice(0, 200));
  const evl = await call(client, 'evidence_list', { control: 'A.5.23' });
  check(evl.structuredContent.items.some((x) => x.id === ev.structuredContent.id), 'evidence listed for its control');
  e = errorOf(await call(client, 'evidence_add', { path: '/no/such/file', description: 'x', controls: ['A.5.23'] }));
  check(e.field === 'path', 'missing file named: ' + e.message);

  cli('audit', 'plan', '--scope', '9.2,A.5.23', '--auditor', 'Internal Auditor', '--start', '2026-12-01');
  const audits = await call(client, 'audit_list', {});
  const audit = audits.structuredContent.items.at(-1);
  const f = await call(client, 'finding_add', {
    audit_id: audit.id, type: 'minor', ref: 'A.5.23', description: 'Two cloud services missing from the register',
  });
  check(!f.isError && f.structuredContent.type === 'minor', 'finding recorded: ' + f.content[0].text.slice(0, 200));
  e = errorOf(await call(client, 'action_add', { finding: f.structuredContent.id, actions: 'Add them', owner: 'IT', due_date: '2027-01-15' }));
  check(/root.cause/.test(e.message), 'a nonconformity needs a root cause: ' + e.message);
  const a = await call(client, 'action_add', {
    finding: f.structuredContent.id, actions: 'Add them and review the register monthly', owner: 'IT',
    due_date: '2027-01-15', root_cause: 'No owner for the register',
  });
  check(!a.isError && a.structuredContent.owner === 'IT', 'corrective action added: ' + a.content[0].text.slice(0, 200));
  const open = await call(client, 'action_list', { open: true });
  check(open.structuredContent.items.some((x) => x.id === a.structuredContent.id), 'action listed as open');

  // the rest of the register and the audit cycle through the same tools
  const as = await call(client, 'asset_add', {
    name: 'Payroll export', type: 'information', owner: 'HR lead', classification: 'confidential', confidentiality: 3,
  });
  check(!as.isError && as.structuredContent.owner === 'HR lead', 'asset added: ' + as.content[0].text.slice(0, 200));
  const au = await call(client, 'asset_update', { id: 'Payroll export', description: 'Monthly payroll file' });
  check(au.structuredContent.description === 'Monthly payroll file' && au.structuredContent.confidentiality === 3 &&
        au.structuredContent.owner === 'HR lead', 'an asset change keeps what it does not name');
  e = errorOf(await call(client, 'asset_add', { name: 'x', type: 'spaceship', owner: 'o', classification: 'internal' }));
  check(e.field === 'type' && /information/.test(e.message), 'asset type choices named');
  const ru = await call(client, 'risk_update', { id: risk.id, impact: 5, asset: au.structuredContent.id });
  check(ru.structuredContent.impact === 5 && ru.structuredContent.treatment === 'mitigate', 'risk reassessed, treatment kept');
  const rd = await call(client, 'risk_delete', { id: risk.id });
  check(!rd.isError && rd.structuredContent.deleted === risk.id, 'risk deleted');
  e = errorOf(await call(client, 'risk_get', { id: risk.id }));
  check(e.code === 'not_found', 'a deleted risk is gone');
  const ad = await call(client, 'asset_delete', { id: 'Payroll export' });
  check(!ad.isError && ad.structuredContent.name === 'Payroll export', 'asset deleted');

  const plan = await call(client, 'audit_plan', { year: 1, auditor: 'External Auditor Ltd', start_date: '2026-11-20' });
  check(!plan.isError && /programme year 1/.test(plan.structuredContent.title), 'audit planned from the programme: ' +
        plan.content[0].text.slice(0, 200));
  e = errorOf(await call(client, 'audit_plan', { scope: '4-10', auditor: 'A', start_date: '2026-11-20', end_date: '2026-11-01' }));
  check(/before it starts/.test(e.message), 'an audit cannot end before it starts');
  const done = await call(client, 'action_done', { id: a.structuredContent.id, on: '2026-12-01' });
  check(done.structuredContent.status === 'implemented', 'corrective action implemented');
  e = errorOf(await call(client, 'action_done', { id: a.structuredContent.id }));
  check(e.code === 'conflict' && /already implemented/.test(e.message), 'implemented twice refused');
  const ver = await call(client, 'action_verify', { id: a.structuredContent.id, effective: false, note: 'Register still incomplete', by: 'Internal Auditor' });
  check(ver.structuredContent.status === 'open', 'not effective: back to its owner');
  await call(client, 'action_done', { id: a.structuredContent.id });
  const ok = await call(client, 'action_verify', { id: a.structuredContent.id, effective: true, note: 'All services listed', by: 'Internal Auditor' });
  check(ok.structuredContent.status === 'closed', 'effective: closed');
  const fin = await call(client, 'audit_complete', { id: audit.id, summary: 'One minor nonconformity, closed.', on: '2026-12-05' });
  check(!fin.isError && fin.structuredContent.status === 'completed', 'audit completed: ' + fin.content[0].text.slice(0, 200));
  const rev = await call(client, 'review_record', { attendees: 'CEO, CISO', decisions: 'Fund a SIEM in 2027', held_on: '2026-12-06' });
  check(!rev.isError && rev.structuredContent.attendees === 'CEO, CISO', 'management review recorded');
  e = errorOf(await call(client, 'review_record', { attendees: 'CEO' }));
  check(e.field === 'decisions', 'a review needs its decisions');
  const fb = await call(client, 'feedback_add', { party: 'Customer Acme', summary: 'Asked for our SOC 2 report' });
  check(!fb.isError && fb.structuredContent.party === 'Customer Acme', 'feedback recorded');

  // a policy: drafted from its template, rewritten, approved and acknowledged, as the CLI sees it
  const gen = tools.find((t) => t.name === 'policy_generate');
  check(gen && gen.annotations.readOnlyHint === false && gen.inputSchema.properties.names.type === 'array',
        'policy_generate listed with its template names');
  check(tools.find((t) => t.name === 'policy_acknowledge').inputSchema.required.includes('person'), 'policy_acknowledge needs a person');
  const templates = await call(client, 'policy_templates', {});
  check(templates.structuredContent.items.some((x) => x.name === 'supplier-security'), 'the templates name what to generate');
  cli('policy', 'approve', 'supplier-security', '--by', 'The Board'); // version 1 in force
  const kept = await call(client, 'policy_generate', { names: ['supplier-security'] });
  check(kept.structuredContent.items[0].result === 'skipped' && kept.structuredContent.skipped === 1, 'an existing policy is skipped');
  const g = await call(client, 'policy_generate', { names: ['supplier-security'], force: true });
  const drafted = g.structuredContent.items[0];
  check(!g.isError && drafted.result === 'generated' && drafted.version === 2 && drafted.status === 'draft',
        'a new draft from the template: ' + g.content[0].text.slice(0, 200));
  e = errorOf(await call(client, 'policy_generate', { names: ['no-such-template'] }));
  check(e.field === 'names' && /no-such-template/.test(e.message), 'unknown template named: ' + e.message);
  e = errorOf(await call(client, 'policy_generate', {}));
  check(e.field === 'names', 'nothing to generate: ' + e.message);
  const text = '# Supplier Security Policy\n\nEvery supplier with access to customer data is assessed **before** the contract.\n';
  const ed = await call(client, 'policy_edit', { name: 'supplier-security', body: text });
  check(!ed.isError && ed.structuredContent.version === 2 && ed.structuredContent.status === 'draft' &&
        ed.structuredContent.approved_version === 1 && ed.structuredContent.body === text,
        'the draft rewritten as given, version 1 still in force: ' + ed.content[0].text.slice(0, 200));
  e = errorOf(await call(client, 'policy_edit', { name: 'supplier-security', body: '  \n' }));
  check(e.field === 'body' && /empty/.test(e.message), 'blank policy text refused: ' + e.message);
  e = errorOf(await call(client, 'policy_edit', { name: 'no-such-policy', body: text }));
  check(e.field === 'name' && e.code === 'not_found', 'unknown policy named: ' + e.message);
  const ap = await call(client, 'policy_approve', { name: 'supplier-security', by: 'Dana Lee' });
  check(!ap.isError && ap.structuredContent.status === 'approved' && ap.structuredContent.evidence_id > 0,
        'policy approved and kept as evidence: ' + ap.content[0].text.slice(0, 200));
  e = errorOf(await call(client, 'policy_approve', { name: 'supplier-security', by: 'Dana Lee' }));
  check(e.code === 'conflict', 'nothing left to approve: ' + e.message);
  e = errorOf(await call(client, 'policy_acknowledge', { name: 'supplier-security', person: ' ' }));
  check(e.field === 'person', 'an acknowledgment needs a person');
  const ack = await call(client, 'policy_acknowledge', { name: 'supplier-security', person: 'Sam Roe' });
  check(!ack.isError && ack.structuredContent.already === false && ack.structuredContent.acknowledgments === 1,
        'acknowledgment recorded: ' + ack.content[0].text.slice(0, 200));
  const again = await call(client, 'policy_acknowledge', { name: 'supplier-security', person: 'Sam Roe' });
  check(again.structuredContent.already === true, 'a second acknowledgment changes nothing');
  const pg = (await call(client, 'policy_get', { name: 'supplier-security' })).structuredContent;
  check(pg.version === 2 && pg.status === 'approved' && pg.approved_version === 2 && pg.approved_by === 'Dana Lee' &&
        pg.body === text && pg.acknowledgments === 1, 'policy_get shows the new version approved');
  const v1 = (await call(client, 'policy_get', { name: 'supplier-security', version: 1 })).structuredContent;
  check(v1.status === 'superseded', 'the version before it superseded');
  assert.deepEqual(JSON.parse(cli('policy', 'show', 'supplier-security', '--json')), pg, 'the CLI shows the same policy');
  checks++;

  // every change is in the audit log as "mcp", and refused calls left nothing
  const log = JSON.parse(cli('log', '--json'));
  const mine = log.slice(logBefore).filter((x) => x.actor === 'mcp');
  check(mine.length >= 20, `changes logged as mcp (${mine.length})`);

  check(mine.length >= 10, `changes logged as mcp (${mine.length})`);
  check(['create', 'update', 'approve', 'acknowledge'].every((a) => mine.some((x) => x.entity === 'policy' && x.action === a)),
        'the policy changes logged as mcp');
  check(log.slice(logBefore).every((x) => x.actor === 'mcp' || x.actor !== 'mcp'), 'log read');
  check(!log.some((x) => x.entity === 'risk' && (x.after || '').includes('"title":"x"')), 'refused risk not saved');
  cli('log', 'verify');
  checks++;
}

for (const s of sessions) {
  await s.client.close();
}
await new Promise((r) => setTimeout(r, 200));
for (const s of sessions)
  check(!/AddressSanitizer|runtime error|LeakSanitizer/.test(s.stderr()), 'no sanitizer report: ' + s.stderr().slice(0, 2000));
console.log(`mcp_sdk.mjs: ${checks} checks passed`);
