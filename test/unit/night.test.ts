import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import {
  addDays,
  addSeconds,
  dateOf,
  daysBetween,
  eachDay,
  isValidDayKey,
  isValidWallClock,
  nightOf,
  wallClockOf,
} from '../../src/shared/night.js'

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

/** Any real wall-clock time from 1970 to 2100, built from its parts so Feb 29 and month ends come up. */
const wallClocks = fc
  .record({
    year: fc.integer({ min: 1970, max: 2100 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ year, month, day, hour, minute, second }) => wallClockOf(year, month, day, hour, minute, second))
  .filter((value): value is string => value !== undefined)

const days = wallClocks.map((value) => value.slice(0, 10))

describe('nightOf', () => {
  it('puts a photo taken after midnight in the night that began the evening before', () => {
    expect(nightOf('2024-09-02T02:40:18')).toBe('2024-09-01')
    expect(nightOf('2024-09-02T00:00:00')).toBe('2024-09-01')
    expect(nightOf('2024-09-01T23:59:59')).toBe('2024-09-01')
  })

  it('starts a new night at noon sharp', () => {
    expect(nightOf('2024-09-02T11:59:59')).toBe('2024-09-01')
    expect(nightOf('2024-09-02T12:00:00')).toBe('2024-09-02')
  })

  it('crosses month ends, leap days and year ends', () => {
    expect(nightOf('2024-03-01T03:00:00')).toBe('2024-02-29')
    expect(nightOf('2023-03-01T03:00:00')).toBe('2023-02-28')
    expect(nightOf('2024-10-01T04:59:00')).toBe('2024-09-30')
    expect(nightOf('2025-01-01T01:00:00')).toBe('2024-12-31')
    expect(nightOf('2024-12-31T20:00:00')).toBe('2024-12-31')
  })

  it('is either the photo’s date or the day before', () => {
    fc.assert(
      fc.property(wallClocks, (wallClock) => {
        const night = nightOf(wallClock)
        const hour = Number(wallClock.slice(11, 13))
        expect(night).toBe(hour < 12 ? addDays(dateOf(wallClock), -1) : dateOf(wallClock))
      }),
    )
  })

  it('refuses something that is not a wall-clock time', () => {
    expect(() => nightOf('2024-02-30T02:00:00')).toThrow(RangeError)
    expect(() => nightOf('2024-09-02 02:40:18')).toThrow(RangeError)
    expect(() => nightOf('2024-09-02T24:00:00')).toThrow(RangeError)
    expect(() => dateOf('2024-09-02T23:60:00')).toThrow(RangeError)
    expect(() => dateOf('2023-02-29T23:00:00')).toThrow(RangeError)
  })
})

describe('day arithmetic', () => {
  const originalZone = process.env.TZ
  afterEach(() => {
    if (originalZone === undefined) delete process.env.TZ
    else process.env.TZ = originalZone
  })

  it('gives the same nights and days whatever time zone this computer is in, DST changes included', () => {
    const answers = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Apia'].map(
      (zone) => {
        process.env.TZ = zone
        return [
          // Nights across the 2024 spring-forward and fall-back weekends of Europe and the US.
          nightOf('2024-03-31T02:30:00'),
          nightOf('2024-11-03T01:30:00'),
          eachDay('2024-03-29', '2024-04-01').length,
          daysBetween('2024-10-26', '2024-10-28'),
          addDays('2024-03-10', 1),
          addSeconds('2024-03-31T01:59:30', 60),
        ]
      },
    )
    expect(answers[0]).toEqual(['2024-03-30', '2024-11-02', 4, 2, '2024-03-11', '2024-03-31T02:00:30'])
    for (const answer of answers) expect(answer).toEqual(answers[0])
  })

  it('adds and counts days across month and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01')
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01')
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31')
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366)
    expect(daysBetween('2024-09-03', '2024-09-01')).toBe(-2)
    expect(eachDay('2024-12-30', '2025-01-02')).toEqual([
      '2024-12-30',
      '2024-12-31',
      '2025-01-01',
      '2025-01-02',
    ])
  })

  it('lists no days when the range ends before it starts', () => {
    expect(eachDay('2024-09-02', '2024-09-01')).toEqual([])
    expect(eachDay('2024-09-02', '2024-09-02')).toEqual(['2024-09-02'])
  })

  it('undoes an addition and counts what it added', () => {
    fc.assert(
      fc.property(days, fc.integer({ min: -2000, max: 2000 }), (day, count) => {
        const later = addDays(day, count)
        expect(addDays(later, -count)).toBe(day)
        expect(daysBetween(day, later)).toBe(count)
      }),
    )
  })

  it('lists consecutive days, both ends included', () => {
    fc.assert(
      fc.property(days, fc.integer({ min: 0, max: 400 }), (from, count) => {
        const list = eachDay(from, addDays(from, count))
        expect(list).toHaveLength(count + 1)
        expect(list[0]).toBe(from)
        list.slice(1).forEach((day, index) => expect(addDays(list[index] as string, 1)).toBe(day))
      }),
    )
  })

  it('refuses a day that does not exist', () => {
    expect(() => addDays('2024-13-01', 1)).toThrow(RangeError)
    expect(() => daysBetween('2024-09-01', '2023-02-29')).toThrow(RangeError)
  })
})

describe('validity', () => {
  it('knows which calendar days exist', () => {
    expect(isValidDayKey('2024-02-29')).toBe(true)
    expect(isValidDayKey('2023-02-29')).toBe(false)
    expect(isValidDayKey('2024-04-31')).toBe(false)
    expect(isValidDayKey('2024-00-10')).toBe(false)
    expect(isValidDayKey('24-09-01')).toBe(false)
  })

  it('knows which wall-clock times exist', () => {
    expect(isValidWallClock('2024-09-02T23:59:59')).toBe(true)
    expect(isValidWallClock('2024-09-02T24:00:00')).toBe(false)
    expect(isValidWallClock('2024-09-02T12:60:00')).toBe(false)
    expect(isValidWallClock('2024-09-02T12:00')).toBe(false)
    expect(wallClockOf(2024, 2, 30, 0, 0, 0)).toBeUndefined()
    expect(wallClockOf(2024, 2, 29, 3, 4, 5)).toBe('2024-02-29T03:04:05')
  })

  it('accepts every time it builds, and builds every day of every month', () => {
    fc.assert(
      fc.property(wallClocks, (wallClock) => {
        expect(isValidWallClock(wallClock)).toBe(true)
      }),
    )
    for (let month = 1; month <= 12; month += 1) {
      const last = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number
      expect(isValidDayKey(`2024-${pad(month)}-${pad(last)}`)).toBe(true)
      expect(isValidDayKey(`2024-${pad(month)}-${pad(last + 1)}`)).toBe(false)
    }
  })
})
