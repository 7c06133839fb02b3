import prettyBytes from 'pretty-bytes'
import prettyMilliseconds from 'pretty-ms'

/** How the UI writes sizes, speeds and times, so every screen says them the same way. */
export const formatBytes = (bytes: number | undefined): string =>
  bytes === undefined ? '–' : prettyBytes(bytes)

export const formatSpeed = (bytesPerSecond: number | undefined): string =>
  bytesPerSecond === undefined ? '–' : `${prettyBytes(bytesPerSecond)}/s`

export const formatSeconds = (seconds: number | undefined): string =>
  seconds === undefined ? '–' : prettyMilliseconds(Math.round(seconds) * 1000, { secondsDecimalDigits: 0 })

export const formatDuration = (startedAt: number | undefined, finishedAt: number | undefined): string =>
  startedAt === undefined
    ? '–'
    : prettyMilliseconds(Math.max(0, (finishedAt ?? Date.now()) - startedAt), { secondsDecimalDigits: 1 })

/** `2024-09-02T02:40:18` as `2024-09-02 02:40:18`: capture times are the box's wall clock, shown as is. */
export const formatWallClock = (wallClock: string | undefined): string =>
  wallClock ? wallClock.replace('T', ' ') : '–'

export const formatPercent = (fraction: number | undefined): string =>
  fraction === undefined ? '–' : `${Math.floor(fraction * 100)} %`
