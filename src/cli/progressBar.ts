import cliProgress from 'cli-progress'
import prettyBytes from 'pretty-bytes'
import type { JobProgress } from '../shared/jobs.js'

/**
 * A terminal progress bar fed with job progress. On a non-terminal (a pipe, CI, `--json`) it stays silent,
 * so scripts read clean output.
 */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar | undefined
  private started = false

  constructor(
    private readonly label: string,
    enabled = Boolean(process.stderr.isTTY),
  ) {
    this.bar = enabled
      ? new cliProgress.SingleBar(
          {
            format: `${label} {bar} {percentage}% | {files} | {bytes} | {speed} | ETA {eta_text} | {current}`,
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 1,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined
  }

  update(progress: JobProgress): void {
    if (!this.bar) return
    const fraction = progress.fraction ?? ratio(progress.bytesDone, progress.bytesTotal) ?? 0
    const payload = {
      files:
        progress.filesTotal !== undefined ? `${progress.filesDone ?? 0}/${progress.filesTotal} files` : '',
      bytes:
        progress.bytesTotal !== undefined
          ? `${prettyBytes(progress.bytesDone ?? 0)}/${prettyBytes(progress.bytesTotal)}`
          : '',
      speed: progress.bytesPerSecond !== undefined ? `${prettyBytes(progress.bytesPerSecond)}/s` : '',
      eta_text: progress.etaSeconds !== undefined ? `${Math.ceil(progress.etaSeconds)}s` : '-',
      current: shorten(progress.currentFile ?? progress.message ?? '', 40),
    }
    const value = Math.round(fraction * 1000)
    if (!this.started) {
      this.bar.start(1000, value, payload)
      this.started = true
    } else this.bar.update(value, payload)
  }

  stop(): void {
    if (this.started) this.bar?.stop()
  }
}

const ratio = (done?: number, total?: number): number | undefined =>
  done !== undefined && total ? Math.min(1, done / total) : undefined

const shorten = (text: string, max: number): string =>
  text.length <= max ? text : `…${text.slice(-(max - 1))}`
