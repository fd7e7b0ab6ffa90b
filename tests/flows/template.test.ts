import { compileFilter, literalRange } from '../../shared/flows/filter';
import { compileMapping, compileTemplate, TemplateError } from '../../shared/mapping/template';
import { renderContext } from '../../shared/mapping/context';

const ctx = renderContext('US', 'UTC');
const render = (tpl: string, data: unknown, c = ctx) => compileTemplate(tpl).render(data, c);

describe('Mapping templates', () => {
  it('applies every transform', () => {
    const d = { s: '  Ann Lee ', dur: 150, clock: '2:30', iso: 'PT1M5S', at: '2026-11-30T23:30:00Z', ph: '(415) 555-2671', n: '1,234.5', yes: 'Yes', no: 'off', empty: '' };
    expect(render('${s:uppercase}', d)).toBe('  ANN LEE ');
    expect(render('${s:lowercase}', d)).toBe('  ann lee ');
    expect(render('${s:trim}', d)).toBe('Ann Lee');
    expect(render('${s:trim:uppercase}', d)).toBe('ANN LEE');
    expect(render('${dur:minutes}', d)).toBe(2.5);
    expect(render('${clock:seconds}', d)).toBe(150);
    expect(render('${iso:seconds}', d)).toBe(65);
    expect(render('${clock:minutes}', d)).toBe(2.5);
    expect(render('${at:date}', d)).toBe('2026-11-30');
    // The same instant is already 1 December in Tokyo.
    expect(render('${at:date}', d, { ...ctx, timeZone: 'Asia/Tokyo' })).toBe('2026-12-01');
    expect(render('${ph:phone}', d)).toBe('+14155552671');
    expect(render('${ph:phone}', { ph: '020 7946 0018' }, { ...ctx, country: 'GB' })).toBe('+442079460018');
    expect(render('${n:number}', d)).toBe(1234.5);
    expect(render('${yes:boolean}', d)).toBe(true);
    expect(render('${no:boolean}', d)).toBe(false);
    expect(render('${empty:default(Unknown)}', d)).toBe('Unknown');
    expect(render('${missing:default(a:b)}', d)).toBe('a:b');
    expect(render('${s:default(x)}', d)).toBe('  Ann Lee ');
  });

  it('fills placeholders inside literal text, reads dot paths, and treats missing paths as empty', () => {
    const d = { first: 'Ann', last: 'Lee', address: { city: 'Austin' }, tags: ['a', 'b'] };
    expect(render('${first} ${last} (${address.city})', d)).toBe('Ann Lee (Austin)');
    expect(render('${tags.1}', d)).toBe('b');
    expect(render('Lead from ${first}${nope}', d)).toBe('Lead from Ann');
    // Every placeholder empty: the field is empty (a `required` check sees it), not the bare literal text.
    expect(render('Lead from ${nope}', d)).toBeUndefined();
    expect(render('${nope} ${nada}', d)).toBeUndefined();
    expect(render('${nope:uppercase}', d)).toBeUndefined();
    expect(render('RingCentral Integration', d)).toBe('RingCentral Integration');
  });

  it('names fields whose names hold spaces, as spreadsheet headers do', () => {
    const d = { 'First Name': 'Ada', address: { 'Street Name': 'Main St' } };
    expect(render('${First Name:uppercase} lives on ${address.Street Name}', d)).toBe('ADA lives on Main St');
    expect(() => compileTemplate('${ First Name .x}')).toThrow(/does not name a field/);
    expect(() => compileTemplate('${a. b}')).toThrow(/does not name a field/);
  });

  it('leaves empty fields out of the payload', () => {
    expect(compileMapping({ a: '${x}', b: '${y}', c: 'const' }).render({ x: 1 }, ctx)).toEqual({ a: 1, c: 'const' });
  });

  it('rejects bad expressions with the field they are in', () => {
    expect(() => compileTemplate('${x:shout}')).toThrow(TemplateError);
    expect(() => compileTemplate('${}')).toThrow(/does not name a field/);
    expect(() => compileTemplate('hello ${x')).toThrow(/unclosed/);
    expect(() => compileMapping({ email: '${Email:nope}' })).toThrow(expect.objectContaining({ statusCode: 400, details: [expect.objectContaining({ path: 'mapping.email' })] }));
  });
});

describe('Filters', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  const at = (iso: string) => ({ LastModifiedDate: iso, Status: 'Open', Amount: 10 });
  const m = (f: string, d: unknown, timeZone = 'UTC') => compileFilter(f).matches(d, { now, timeZone });

  it('gives date literals their SOQL meaning: whole days, so > YESTERDAY is "since today began"', async () => {
    expect(await m('LastModifiedDate > YESTERDAY', at('2026-12-03T00:00:01Z'))).toBe(true);
    expect(await m('LastModifiedDate > YESTERDAY', at('2026-12-02T23:59:59Z'))).toBe(false);
    expect(await m('LastModifiedDate = YESTERDAY', at('2026-12-02T12:00:00Z'))).toBe(true);
    expect(await m('LastModifiedDate < TODAY', at('2026-12-02T12:00:00Z'))).toBe(true);
    expect(await m('LastModifiedDate >= LAST_N_DAYS:7', at('2026-11-26T00:00:00Z'))).toBe(true);
    expect(await m('LastModifiedDate >= LAST_N_DAYS:7', at('2026-11-25T23:59:59Z'))).toBe(false);
    expect(await m('LastModifiedDate = N_DAYS_AGO:2', at('2026-12-01T08:00:00Z'))).toBe(true);
    expect(await m('LastModifiedDate > 2026-12-01', at('2026-12-02T00:00:00Z'))).toBe(true);
    expect(await m('LastModifiedDate > 2026-12-01', at('2026-12-01T23:00:00Z'))).toBe(false);
  });

  it('reads date literals in the flow time zone', async () => {
    // 10:00 UTC is 02:00 in Los Angeles: "today" there began at 08:00 UTC on 3 December.
    expect(literalRange('TODAY', now, 'America/Los_Angeles')).toEqual([Date.parse('2026-12-03T08:00:00Z'), Date.parse('2026-12-04T08:00:00Z')]);
    expect(await m('LastModifiedDate > YESTERDAY', at('2026-12-03T07:00:00Z'), 'America/Los_Angeles')).toBe(false);
    expect(await m('LastModifiedDate > YESTERDAY', at('2026-12-03T07:00:00Z'))).toBe(true);
  });

  it('combines comparisons with AND/OR and leaves quoted text alone', async () => {
    expect(await m("Status = 'Open' AND LastModifiedDate > YESTERDAY", at('2026-12-03T01:00:00Z'))).toBe(true);
    expect(await m("Status = 'Closed' OR Amount > 5", at('2026-12-03T01:00:00Z'))).toBe(true);
    expect(await m("Status = 'TODAY AND' AND Amount > 5", at('2026-12-03T01:00:00Z'))).toBe(false);
    expect(await m("Status <> 'Open'", at('2026-12-03T01:00:00Z'))).toBe(false);
    expect(await m('LastModifiedDate > YESTERDAY', { Status: 'x' })).toBe(false);
  });

  it('rejects a filter that does not parse, naming the field', () => {
    expect(() => compileFilter('Status = ')).toThrow(expect.objectContaining({ statusCode: 400, details: [expect.objectContaining({ path: 'source.filter' })] }));
  });
});
