import { createHash } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { PhotoMarksSchema, type PhotoMark, type PhotoMarks } from '../../shared/photos.js'
import { errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'

/**
 * Stars and rejects, one JSON file per card in the app's data folder (never on the card: a box may be
 * running, and a card is evidence). Writes for one card apply in call order and are atomic.
 */
export class PhotoMarksStore {
  private readonly writes = new Map<string, Promise<unknown>>()

  constructor(readonly dir: string) {}

  private fileOf(card: string): string {
    return path.join(this.dir, `${createHash('sha256').update(card).digest('hex').slice(0, 32)}.json`)
  }

  async marksOf(card: string): Promise<PhotoMarks> {
    let text: string
    try {
      text = await fsp.readFile(this.fileOf(card), 'utf8')
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return {}
      throw error
    }
    const parsed = PhotoMarksSchema.safeParse((JSON.parse(text) as { marks?: unknown }).marks)
    return parsed.success ? parsed.data : {}
  }

  /** Sets or (with null) clears one photo's mark; returns the card's marks after it. */
  setMark(card: string, photoPath: string, mark: PhotoMark | null): Promise<PhotoMarks> {
    const previous = this.writes.get(card) ?? Promise.resolve()
    const next = previous.then(async () => {
      const marks = await this.marksOf(card)
      if (mark === null) delete marks[photoPath]
      else marks[photoPath] = mark
      await fsp.mkdir(this.dir, { recursive: true })
      await writeFileAtomically(this.fileOf(card), `${JSON.stringify({ card, marks }, null, 1)}\n`)
      return marks
    })
    this.writes.set(
      card,
      next.catch(() => undefined),
    )
    return next
  }
}
