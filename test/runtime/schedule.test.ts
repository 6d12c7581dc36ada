// `schedule: {cron, timezone}` in a pipeline file: the cron grammar, diagnostics at the exact wrong
// character, the file's JSON Schema, and the exports: an Argo CronWorkflow (checked against Argo's
// strict schema) and a KFP PipelineSpec plus the recurring-run request KFP needs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describeCron, kfpCronExpression, parseCron } from '../../common/cron';
import { loadPipelineText } from '../../runtime/definition/load';
import { buildPipelineJsonSchema } from '../../runtime/definition/pipelineSchema';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { argoWorkflow } from '../../runtime/export/argoWorkflow';
import { kfpPipelineSpec, kfpRecurringRun } from '../../runtime/export/kfpPipeline';
import { checkArgo, checkArgoStructure, loadArgoSchema } from '../../runtime/export/validateArgo';
import { checkKfpPipelineSpec } from '../../runtime/export/validateKfp';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { pipelineSpecProtoErrors, skipWithoutProto } from './kfpProto';
import { cliPath, ensureBuilt, tempWorkspace } from './workspaceFixture';
import { spawnSync } from 'node:child_process';

const pipelineWith = (schedule: string) => `pipeline: nightly
schedule: ${schedule}
components:
  a: {type: Command, params: {command: [node, a.js, "{{outputs.out}}"]}, outputs: {out: Examples}}
  b: {type: Command, inputs: {x: a.out}, params: {command: [node, b.js, "{{inputs.x}}"]}}
`;

describe('cron expressions', () => {
  it('reads the five fields with lists, ranges, steps, names and macros', () => {
    const daily = parseCron('0 3 * * *');
    assert.ok(daily.ok);
    assert.deepEqual([daily.fields.minute, daily.fields.hour], [[0], [3]]);
    assert.equal(daily.fields.dayOfMonth.length, 31);
    assert.equal(describeCron(daily.fields), 'at 03:00 every day');
    const busy = parseCron('*/15 9-17 * jan,JUL mon-fri');
    assert.ok(busy.ok);
    assert.deepEqual(busy.fields.minute, [0, 15, 30, 45]);
    assert.deepEqual(busy.fields.hour, [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(busy.fields.month, [1, 7]);
    assert.deepEqual(busy.fields.dayOfWeek, [1, 2, 3, 4, 5]);
    assert.match(describeCron(busy.fields), /on Mon, Tue, Wed, Thu, Fri in Jan, Jul/);
    const sunday = parseCron('30 6 1,15 * 7');
    assert.ok(sunday.ok);
    assert.deepEqual(sunday.fields.dayOfWeek, [0]);
    assert.deepEqual(sunday.fields.dayOfMonth, [1, 15]);
    const stepFrom = parseCron('5/20 * * * *');
    assert.ok(stepFrom.ok);
    assert.deepEqual(stepFrom.fields.minute, [5, 25, 45]);
    const weekly = parseCron('@weekly');
    assert.ok(weekly.ok);
    assert.deepEqual(weekly.fields.dayOfWeek, [0]);
    assert.equal(kfpCronExpression('0 3 * * *'), '0 0 3 * * *');
    assert.equal(kfpCronExpression('@daily'), '0 0 0 * * *');
  });

  it('says which character is wrong and why', () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['0 24 * * *', 2, 2, /hour 24 is out of range 0-23/],
      ['0 3 * * * *', 10, 1, /has 5 fields .* this one has 6/],
      ['0 3 * foo *', 6, 3, /"foo" is not a valid month/],
      ['*/0 3 * * *', 2, 1, /step "0" of minute must be a whole number above 0/],
      ['0 5-2 * * *', 2, 3, /range 5-2 of hour runs backwards/],
      ['0 3 1,,2 * *', 6, 1, /empty item/],
      ['@fortnightly', 0, 12, /unknown cron macro/],
      ['0 3 * *', 0, 7, /this one has 4/],
    ];
    for (const [expr, offset, length, message] of cases) {
      const r = parseCron(expr);
      assert.ok(!r.ok, expr);
      assert.equal(r.error.offset, offset, `${expr}: offset`);
      assert.equal(r.error.length, length, `${expr}: length`);
      assert.match(r.error.message, message, expr);
    }
  });
});

describe('schedule in a pipeline file', () => {
  it('is read into the IR', () => {
    const r = loadPipelineText('/w/nightly.pipeline.yaml', pipelineWith('{cron: "0 3 * * *", timezone: Europe/Berlin}'), { catalog: registryCatalog });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.pipeline!.schedule!.cron, '0 3 * * *');
    assert.equal(r.pipeline!.schedule!.timezone, 'Europe/Berlin');
    assert.deepEqual(r.pipeline!.schedule!.cronRange!.start, { line: 2, column: 18 });
  });

  it('a cron syntax error is a diagnostic at its exact position', () => {
    const quoted = loadPipelineText('/w/n.pipeline.yaml', pipelineWith('{cron: "0 25 * * *"}'), { catalog: registryCatalog });
    const d = quoted.diagnostics.find((x) => x.code === 'invalid-cron')!;
    assert.ok(d, JSON.stringify(quoted.diagnostics));
    // `schedule: {cron: "0 25 * * *"}`: the 25 starts at column 21 of line 2 (the quote is at 18).
    assert.deepEqual(d.range, { start: { line: 2, column: 21 }, end: { line: 2, column: 23 } });
    assert.match(d.message, /hour 25 is out of range 0-23/);
    const block = loadPipelineText('/w/n.pipeline.yaml', pipelineWith('\n  cron: 0 3 * * fri-mon\n  timezone: Mars/Olympus'), { catalog: registryCatalog });
    const range = block.diagnostics.find((x) => x.code === 'invalid-cron')!;
    assert.deepEqual(range.range.start, { line: 3, column: 17 });
    assert.match(range.message, /range fri-mon of day of week runs backwards/);
    const zone = block.diagnostics.find((x) => x.code === 'invalid-timezone')!;
    assert.deepEqual(zone.range.start, { line: 4, column: 13 });
    assert.match(zone.message, /Unknown time zone `Mars\/Olympus`/);
    const typo = loadPipelineText('/w/n.pipeline.yaml', pipelineWith('{cronn: "0 3 * * *"}'), { catalog: registryCatalog });
    assert.ok(typo.diagnostics.some((x) => x.code === 'unknown-field' && /did you mean `cron`/.test(x.message)));
    assert.ok(typo.diagnostics.some((x) => x.code === 'invalid-schedule' && /needs `cron:`/.test(x.message)));
  });

  it("the file's JSON Schema accepts a schedule and rejects a misspelt one", () => {
    const check = new Ajv({ strict: false, allErrors: true }).compile(buildPipelineJsonSchema(registryCatalog));
    assert.ok(check(parse(pipelineWith('{cron: "0 3 * * *", timezone: UTC}'))), JSON.stringify(check.errors));
    assert.equal(check(parse(pipelineWith('{cron: "0 3 * * *", tz: UTC}'))), false);
    assert.equal(check(parse(pipelineWith('{timezone: UTC}'))), false);
  });
});

describe('scheduled exports', () => {
  const scheduled = () => loadPipelineText('/w/nightly.pipeline.yaml', pipelineWith('{cron: "0 3 * * *", timezone: Europe/Berlin}'), { catalog: registryCatalog }).pipeline!;

  it('Argo: a CronWorkflow, valid against the structural check and Argo\'s strict schema', { skip: skipWithoutFixture('export/argo/schema.json') }, () => {
    const w = argoWorkflow(scheduled(), { pipelinePath: 'nightly.pipeline.yaml', image: 'img', claim: 'ws' }) as Record<string, any>;
    assert.equal(w['kind'], 'CronWorkflow');
    assert.equal(w['metadata'].name, 'nightly');
    assert.deepEqual(w['spec'].schedules, ['0 3 * * *']);
    assert.equal(w['spec'].timezone, 'Europe/Berlin');
    assert.equal(w['spec'].concurrencyPolicy, 'Forbid');
    assert.equal(w['spec'].workflowSpec.entrypoint, 'pipeline');
    const check = checkArgo(w, loadArgoSchema(sharedFixture('export/argo/schema.json')));
    assert.deepEqual(check.problems, []);
    assert.equal(check.kind, 'Argo CronWorkflow');
    // A broken schedule in a CronWorkflow is caught at its path.
    w['spec'].schedules = ['0 3 * *'];
    assert.deepEqual(checkArgoStructure(w).map((p) => p.path), ['spec.schedules[0]']);
  });

  it('KFP: the PipelineSpec stays valid, and the recurring run KFP needs carries a 6-field cron', { skip: skipWithoutProto }, () => {
    const p = scheduled();
    const { spec } = kfpPipelineSpec(p, { pipelinePath: 'nightly.pipeline.yaml', image: 'img' });
    assert.deepEqual(pipelineSpecProtoErrors(spec), []);
    assert.deepEqual(checkKfpPipelineSpec(spec).problems, []);
    const recurring = kfpRecurringRun(p, spec)!;
    assert.deepEqual(recurring.body['trigger'], { cron_schedule: { cron: '0 0 3 * * *' } });
    assert.equal(recurring.body['max_concurrency'], '1');
    assert.equal(recurring.body['no_catchup'], true);
    assert.equal(recurring.body['pipeline_spec'], spec);
    assert.match(recurring.warnings.join(), /take no time zone.*not Europe\/Berlin/);
    assert.equal(kfpRecurringRun(loadPipelineText('/w/x.pipeline.yaml', pipelineWith('{cron: "@hourly", timezone: UTC}'), { catalog: registryCatalog }).pipeline!, spec)!.warnings.length, 0);
  });

  it("the CLI writes KFP's recurring run when asked, and a CronWorkflow for Argo", () => {
    ensureBuilt();
    const ws = tempWorkspace();
    try {
      const file = ws.write('nightly.pipeline.yaml', pipelineWith('{cron: "0 3 * * *"}'));
      const r = spawnSync(process.execPath, [cliPath, 'export', file, '--to', 'kfp', '--image', 'img', '--recurring-run', join(ws.root, 'rr.json')], { cwd: ws.root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /wrote .*rr\.json: POST it to <KFP>\/apis\/v2beta1\/recurringruns/);
      const body = JSON.parse(readFileSync(join(ws.root, 'rr.json'), 'utf8')) as { trigger: unknown };
      assert.deepEqual(body.trigger, { cron_schedule: { cron: '0 0 3 * * *' } });
      const argo = spawnSync(process.execPath, [cliPath, 'export', file, '--to', 'argo', '--image', 'img'], { cwd: ws.root, encoding: 'utf8' });
      assert.equal(argo.status, 0, argo.stderr);
      assert.match(argo.stderr, /valid Argo CronWorkflow/);
      assert.match(argo.stdout, /argo cron create/);
      const noSchedule = ws.write('once.pipeline.yaml', 'pipeline: once\ncomponents:\n  a: {type: Command, params: {command: [node, -e, "1"]}}\n');
      const refused = spawnSync(process.execPath, [cliPath, 'export', noSchedule, '--to', 'kfp', '--image', 'img', '--recurring-run', join(ws.root, 'x.json')], { cwd: ws.root, encoding: 'utf8' });
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /--recurring-run needs a schedule/);
    } finally {
      ws.dispose();
    }
  });
});
