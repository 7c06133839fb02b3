/** Samples older than this no longer count: speed follows changes within seconds but is not jittery. */
const WINDOW_MS = 5_000

/**
 * Samples are kept at least this far apart (the newest moves along in between): a backup of small photos
 * reports thousands of times a second, and trimming a window of tens of thousands of samples cost more than
 * a tenth of the run.
 */
const SAMPLE_SPACING_MS = 50

/** Speed and ETA from bytes progress over a sliding window of recent samples. */
export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = []

  add(at: number, bytesDone: number): void {
    const last = this.samples.at(-1)
    // Bytes going backwards means the task restarted its count (a retry): start measuring afresh.
    if (last && bytesDone < last.bytes) this.samples = []
    const before = this.samples.at(-2)
    if (before && at - before.at < SAMPLE_SPACING_MS)
      this.samples[this.samples.length - 1] = { at, bytes: bytesDone }
    else this.samples.push({ at, bytes: bytesDone })
    while (this.samples.length > 2 && (this.samples[0] as { at: number }).at < at - WINDOW_MS)
      this.samples.shift()
  }

  bytesPerSecond(): number | undefined {
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (!first || !last || last.at - first.at < 100) return undefined
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at)
  }

  etaSeconds(bytesTotal: number | undefined): number | undefined {
    const speed = this.bytesPerSecond()
    const last = this.samples.at(-1)
    if (bytesTotal === undefined || !last || !speed || speed <= 0) return undefined
    return Math.max(0, (bytesTotal - last.bytes) / speed)
  }
}
