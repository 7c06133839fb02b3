/**
 * Calendar arithmetic on the box's wall clock. Wall-clock times (`YYYY-MM-DDTHH:mm:ss`) carry no zone, so
 * every computation here runs on UTC-based numbers (Date.UTC / getUTC*): the computer's own time zone and
 * its DST changes can never shift a night or a day.
 */

/** A day as the box's wall clock names it: `YYYY-MM-DD` (see DayKeySchema). */
export type DayKey = string
/** The box's local time without offset: `YYYY-MM-DDTHH:mm:ss` (see WallClockSchema). */
export type WallClock = string

const DAY_MS = 86_400_000
const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/

/** Milliseconds of a UTC calendar time; setUTCFullYear keeps years 0–99 as they are (Date.UTC maps them to 19xx). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

/** `7` → `07`: the one zero-padding of dates and times. */
export const padNumber = (value: number, width = 2): string => String(value).padStart(width, '0')

function formatDay(ms: number): DayKey {
  const date = new Date(ms)
  return `${padNumber(date.getUTCFullYear(), 4)}-${padNumber(date.getUTCMonth() + 1)}-${padNumber(date.getUTCDate())}`
}

function formatWallClock(ms: number): WallClock {
  const date = new Date(ms)
  return `${formatDay(ms)}T${padNumber(date.getUTCHours())}:${padNumber(date.getUTCMinutes())}:${padNumber(date.getUTCSeconds())}`
}

/** The wall-clock time built from its parts, or undefined when the parts name no real moment (Feb 30, 24:00). */
export function wallClockOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): WallClock | undefined {
  const inRange =
    year >= 0 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    [year, month, day, hour, minute, second].every(Number.isInteger)
  if (!inRange) return undefined
  const dayKey = `${padNumber(year, 4)}-${padNumber(month)}-${padNumber(day)}`
  if (!dayInfo(dayKey).valid) return undefined
  return `${dayKey}T${padNumber(hour)}:${padNumber(minute)}:${padNumber(second)}`
}

/** Whether a `YYYY-MM-DD` names a real day: a day past the month's end rolls over, the round trip catches it. */
function isRealDay(dayKey: DayKey): boolean {
  const match = DAY_KEY.exec(dayKey)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1) return false
  const date = new Date(utcMs(year, month, day))
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1
}

/** The six numbers of a `YYYY-MM-DDTHH:mm:ss` text, before any calendar check. */
function wallClockParts(value: string): [number, number, number, number, number, number] | undefined {
  const match = WALL_CLOCK.exec(value)
  return match ? (match.slice(1).map(Number) as [number, number, number, number, number, number]) : undefined
}

/**
 * Whether a text is a `YYYY-MM-DDTHH:mm:ss` naming a real moment. Compared as digit strings, with each day
 * checked once (dayInfo): it runs for every photo of a season's card, twice.
 */
export function isValidWallClock(value: string): value is WallClock {
  return (
    WALL_CLOCK.test(value) &&
    value.slice(11, 13) <= '23' &&
    value.slice(14, 16) <= '59' &&
    value.slice(17, 19) <= '59' &&
    dayInfo(value.slice(0, 10)).valid
  )
}

export function isValidDayKey(value: string): value is DayKey {
  return isValidWallClock(`${value}T00:00:00`)
}

function dayMs(day: DayKey): number {
  const match = DAY_KEY.exec(day)
  if (!match || !isValidDayKey(day)) throw new RangeError(`Not a calendar day (YYYY-MM-DD): ${day}`)
  return utcMs(Number(match[1]), Number(match[2]), Number(match[3]))
}

function wallClockMs(wallClock: WallClock): number {
  const parts = wallClockParts(wallClock)
  if (!parts || wallClockOf(...parts) !== wallClock) {
    throw new RangeError(`Not a wall-clock time (YYYY-MM-DDTHH:mm:ss): ${wallClock}`)
  }
  return utcMs(...parts)
}

/**
 * Days seen so far, each checked once: a season's card has a hundred thousand photos but a few hundred days,
 * and dateOf/nightOf run for every photo.
 */
const knownDays = new Map<DayKey, { valid: boolean; previous?: DayKey }>()

function dayInfo(day: DayKey): { valid: boolean; previous?: DayKey } {
  let info = knownDays.get(day)
  if (!info) {
    const match = isRealDay(day) ? DAY_KEY.exec(day) : null
    info = match
      ? {
          valid: true,
          previous: formatDay(utcMs(Number(match[1]), Number(match[2]), Number(match[3])) - DAY_MS),
        }
      : { valid: false }
    knownDays.set(day, info)
  }
  return info
}

/** The day of a wall-clock time, after checking it names a real moment (as wallClockMs does, but cheaply). */
function dayOfWallClock(wallClock: WallClock): DayKey {
  if (!isValidWallClock(wallClock)) {
    throw new RangeError(`Not a wall-clock time (YYYY-MM-DDTHH:mm:ss): ${wallClock}`)
  }
  return wallClock.slice(0, 10)
}

/** The calendar date of a wall-clock time. */
export function dateOf(wallClock: WallClock): DayKey {
  return dayOfWallClock(wallClock)
}

/**
 * The sampling night a wall-clock time belongs to: nights run from noon to the next noon and are named by
 * their evening's date, so 2024-09-02T02:40 is the night of 2024-09-01 and 2024-09-02T12:00 starts the
 * night of 2024-09-02 (docs/field-notes.md, "Nights").
 */
export function nightOf(wallClock: WallClock): DayKey {
  const day = dayOfWallClock(wallClock)
  return wallClock.slice(11, 13) >= '12' ? day : (dayInfo(day).previous as DayKey)
}

export function addDays(day: DayKey, days: number): DayKey {
  return formatDay(dayMs(day) + days * DAY_MS)
}

/** Whole days from `from` to `to`: negative when `to` comes first. */
export function daysBetween(from: DayKey, to: DayKey): number {
  return Math.round((dayMs(to) - dayMs(from)) / DAY_MS)
}

/** Every day from `from` to `to`, both included; empty when `to` comes before `from`. */
export function eachDay(from: DayKey, to: DayKey): DayKey[] {
  const days: DayKey[] = []
  const count = daysBetween(from, to)
  for (let offset = 0; offset <= count; offset += 1) days.push(addDays(from, offset))
  return days
}

/** Wall-clock arithmetic: the box's clock has no DST here, a minute after 01:59:59 is always 02:00:59. */
export function addSeconds(wallClock: WallClock, seconds: number): WallClock {
  return formatWallClock(wallClockMs(wallClock) + seconds * 1000)
}
