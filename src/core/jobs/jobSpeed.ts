/** Samples older than this no longer count: speed follows changes within seconds but is not jittery. */
const WINDOW_MS = 5_000

/** Speed and ETA from bytes progress over a sliding window of recent samples. */
export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = []

  add(at: number, bytesDone: number): void {
    const last = this.samples.at(-1)
    // Bytes going backwards means the task restarted its count (a retry): start measuring afresh.
    if (last && bytesDone < last.bytes) this.samples = []
    this.samples.push({ at, bytes: bytesDone })
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
