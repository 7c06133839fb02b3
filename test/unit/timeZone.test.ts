import { describe, expect, it } from 'vitest'
import { parseDeploymentZone, withUtcOffset } from '../../src/shared/timeZone.js'

const zone = (text: string) => {
  const parsed = parseDeploymentZone(text)
  if (!parsed) throw new Error(`not a zone: ${text}`)
  return parsed
}

describe('a wall-clock capture time with its deployment’s UTC offset', () => {
  it.each([
    ['Europe/Berlin', '2024-01-15T12:00:00', '+01:00'],
    ['Europe/Berlin', '2024-07-15T02:40:18', '+02:00'],
    // The autumn hour happens twice; the first (summer) one is taken.
    ['Europe/Berlin', '2024-10-27T02:30:00', '+02:00'],
    ['Europe/Berlin', '2024-10-27T03:30:00', '+01:00'],
    // The spring gap never happened; a box clock that ignores DST can still write it.
    ['Europe/Berlin', '2024-03-31T02:30:00', '+01:00'],
    ['America/New_York', '2024-11-03T01:30:00', '-04:00'],
    ['America/New_York', '2024-11-03T03:00:00', '-05:00'],
    ['Australia/Sydney', '2024-01-01T22:00:00', '+11:00'],
    ['Australia/Sydney', '2024-07-01T22:00:00', '+10:00'],
    ['Asia/Kolkata', '2024-07-01T22:00:00', '+05:30'],
    ['-03:30', '2024-07-01T22:00:00', '-03:30'],
    ['+00:00', '2024-07-01T22:00:00', '+00:00'],
  ])('%s at %s is %s', (name, wallClock, offset) => {
    expect(withUtcOffset(zone(name), wallClock)).toBe(`${wallClock}${offset}`)
  })

  it('refuses unknown zones and impossible offsets', () => {
    for (const text of ['', 'Mars/Olympus_Mons', '+15:00', '+02:60', '2', 'Europe/Berlin!'])
      expect(parseDeploymentZone(text), text).toBeUndefined()
  })
})
