import { isValidWallClock, type WallClock } from './night.js'

/**
 * A deployment's time zone, as the user gives it: an IANA name (`Europe/Berlin`, DST-correct) or a fixed
 * offset (`+02:00`, `-05:30`). Boxes keep their wall-clock time with no zone (docs/field-notes.md), so an
 * export that must write a UTC offset needs the zone from the person who set the box up.
 * Pure (Intl only) so that the UI checks a zone with the same rule the export uses.
 */
export type DeploymentZone = { kind: 'iana'; name: string } | { kind: 'fixed'; offsetMinutes: number }

const FIXED_OFFSET = /^([+-])(\d{2}):(\d{2})$/

/** The zone, or undefined when it is neither a known IANA name nor `±HH:MM` within ±14:00. */
export function parseDeploymentZone(text: string): DeploymentZone | undefined {
  const fixed = FIXED_OFFSET.exec(text.trim())
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3])
    if (Number(fixed[3]) >= 60 || minutes > 14 * 60) return undefined
    return { kind: 'fixed', offsetMinutes: fixed[1] === '-' ? -minutes : minutes }
  }
  const name = text.trim()
  if (name === '') return undefined
  try {
    // Throws RangeError for a name the platform's time-zone database does not know.
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return { kind: 'iana', name }
  } catch {
    return undefined
  }
}

const pad = (value: number): string => String(value).padStart(2, '0')

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const absolute = Math.abs(minutes)
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`
}

const wallClockAsUtcMs = (wallClock: WallClock): number => Date.parse(`${wallClock}Z`)

/** The zone's offset from UTC, in minutes, at an instant. */
function offsetAt(zone: DeploymentZone, utcMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMinutes
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone.name,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs))
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value)
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  )
  return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60_000)
}

/**
 * The UTC offset the zone had at a wall-clock time. Where DST makes a wall-clock time occur twice (the
 * autumn hour) the earlier, summer offset is taken; a time that never occurred (the spring gap, which a box
 * whose clock ignores DST can still write) gets the offset in force just before the gap.
 */
export function offsetOfWallClock(zone: DeploymentZone, wallClock: WallClock): number {
  const asUtc = wallClockAsUtcMs(wallClock)
  // The true instant lies within ±14 h of the wall clock read as UTC; try the offsets found on both sides.
  const candidates = new Set([offsetAt(zone, asUtc - 14 * 3_600_000), offsetAt(zone, asUtc + 14 * 3_600_000)])
  const consistent = [...candidates].filter((offset) => offsetAt(zone, asUtc - offset * 60_000) === offset)
  if (consistent.length > 0) return Math.max(...consistent)
  return offsetAt(zone, asUtc - Math.max(...candidates) * 60_000 - 3_600_000)
}

/** `YYYY-MM-DDTHH:mm:ss±HH:MM`: the wall-clock time with the deployment's offset at that moment. */
export function withUtcOffset(zone: DeploymentZone, wallClock: WallClock): string {
  if (!isValidWallClock(wallClock))
    throw new RangeError(`Not a wall-clock time (YYYY-MM-DDTHH:mm:ss): ${wallClock}`)
  return `${wallClock}${formatOffset(offsetOfWallClock(zone, wallClock))}`
}
