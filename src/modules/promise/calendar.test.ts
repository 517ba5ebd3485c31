import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addBusinessDays,
  businessDaysBetween,
  calendarFor,
  isKnownCountry,
  isoWeekday,
  MON_SAT,
  nextBusinessDay,
  normalizeRegion,
  onOrAfterBusinessDay,
} from './calendar.ts';

describe('business-day calendars', () => {
  test('Consciência Negra (20 Nov, national since 2024) closes São Paulo, Rio and the country', () => {
    assert.equal(isoWeekday('2026-11-20'), 5);
    for (const regionCode of ['SP', 'RJ', null]) {
      assert.equal(
        calendarFor({ country: 'BR', regionCode }).isBusinessDay('2026-11-20'),
        false,
        `${regionCode}`,
      );
    }
    // Before the national law it was only some states' holiday.
    assert.equal(calendarFor({ country: 'BR', regionCode: 'SP' }).isBusinessDay('2019-11-20'), true);
    assert.equal(calendarFor({ country: 'BR', regionCode: 'RJ' }).isBusinessDay('2019-11-20'), false);
  });

  test('state holidays apply only in their state; Carnival closes Brazil', () => {
    const sp = calendarFor({ country: 'BR', regionCode: 'SP' });
    const rj = calendarFor({ country: 'BR', regionCode: 'BR-RJ' });
    assert.equal(sp.isBusinessDay('2026-07-09'), false); // Revolução Constitucionalista (SP)
    assert.equal(rj.isBusinessDay('2026-07-09'), true);
    assert.equal(rj.isBusinessDay('2026-04-23'), false); // São Jorge (RJ)
    assert.equal(sp.isBusinessDay('2026-04-23'), true);
    assert.equal(sp.isBusinessDay('2026-02-16'), false); // Carnival Monday
    assert.equal(sp.isBusinessDay('2026-02-17'), false); // Carnival Tuesday
    assert.equal(sp.isBusinessDay('2026-02-18'), true); // Ash Wednesday: open (from noon, but open)
  });

  test('Swedish midsommarafton and julafton are not delivery days; half-day eves are', () => {
    const se = calendarFor({ country: 'SE' });
    assert.equal(se.isBusinessDay('2026-06-19'), false); // midsommarafton, a Friday
    assert.equal(se.isBusinessDay('2026-06-18'), true);
    assert.equal(se.isBusinessDay('2026-12-24'), false);
    assert.equal(se.isBusinessDay('2026-04-30'), true); // valborgsmässoafton closes at noon only
    assert.equal(nextBusinessDay(se, '2026-06-18'), '2026-06-22');
  });

  test('Spain and the US: regional holidays by ISO 3166-2 region', () => {
    assert.equal(calendarFor({ country: 'ES', regionCode: 'CT' }).isBusinessDay('2026-09-11'), false); // Diada
    assert.equal(calendarFor({ country: 'ES', regionCode: 'MD' }).isBusinessDay('2026-09-11'), true);
    assert.equal(calendarFor({ country: 'ES', regionCode: 'ES-MD' }).isBusinessDay('2025-05-02'), false);
    assert.equal(calendarFor({ country: 'US', regionCode: 'CA' }).isBusinessDay('2026-03-31'), false); // César Chávez
    assert.equal(calendarFor({ country: 'US', regionCode: 'NY' }).isBusinessDay('2026-03-31'), true);
    assert.equal(calendarFor({ country: 'US' }).isBusinessDay('2026-11-26'), false); // Thanksgiving
  });

  test('carrier delivery weekdays: Saturday counts only for carriers that deliver then', () => {
    const monFri = calendarFor({ country: 'US', regionCode: 'NY' });
    const monSat = calendarFor({ country: 'US', regionCode: 'NY', weekdays: MON_SAT });
    assert.equal(monFri.isBusinessDay('2026-03-07'), false);
    assert.equal(monSat.isBusinessDay('2026-03-07'), true);
    assert.equal(addBusinessDays(monFri, '2026-03-05', 2), '2026-03-09');
    assert.equal(addBusinessDays(monSat, '2026-03-05', 2), '2026-03-07');
  });

  test('addBusinessDays and businessDaysBetween are inverses across weekends and holidays', () => {
    const sp = calendarFor({ country: 'BR', regionCode: 'SP' });
    // Thursday 19 Nov 2026 + 1 business day skips the Friday holiday and the weekend.
    assert.equal(addBusinessDays(sp, '2026-11-19', 1), '2026-11-23');
    assert.equal(addBusinessDays(sp, '2026-11-19', 0), '2026-11-19');
    assert.equal(businessDaysBetween(sp, '2026-11-19', '2026-11-23'), 1);
    assert.equal(businessDaysBetween(sp, '2026-11-23', '2026-11-19'), -1);
    for (let n = 0; n < 30; n++) {
      const to = addBusinessDays(sp, '2026-12-18', n);
      assert.equal(businessDaysBetween(sp, '2026-12-18', to), n);
    }
    // A delivery on a closed day counts up to the business day before it.
    assert.equal(businessDaysBetween(sp, '2026-11-19', '2026-11-21'), 0);
    assert.equal(onOrAfterBusinessDay(sp, '2026-11-21'), '2026-11-23');
  });

  test('countries and regions are recognised; unknown ones fall back to national holidays', () => {
    assert.equal(isKnownCountry('BR'), true);
    assert.equal(isKnownCountry('se'), true);
    assert.equal(isKnownCountry('XX'), false);
    assert.equal(normalizeRegion('BR', 'br-sp'), 'SP');
    assert.equal(normalizeRegion('BR', 'ZZ'), null);
    assert.equal(normalizeRegion('SE', 'AB'), null);
    assert.equal(calendarFor({ country: 'BR', regionCode: 'ZZ' }).region, null);
    assert.equal(calendarFor({ country: 'BR', regionCode: 'SP' }).timeZone, 'America/Sao_Paulo');
  });
});
