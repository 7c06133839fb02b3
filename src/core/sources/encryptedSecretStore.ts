import fsp from 'node:fs/promises'
import { z } from 'zod'
import { errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'
import type { BoxSecretStore } from './boxSecrets.js'

/** Encrypts with a key the OS keeps (Electron safeStorage in the app); this module never sees the key. */
export interface SecretCipher {
  encrypt(plainText: string): Buffer
  decrypt(encrypted: Buffer): string
}

const SecretFileSchema = z.record(z.string(), z.base64())

/**
 * Box secrets that survive a restart: one small JSON file of encrypted values by box id, readable only by
 * the user. Plain text exists only in memory, on the way in and out.
 */
export class EncryptedSecretStore implements BoxSecretStore {
  readonly persistent = true
  /** Writes one at a time, so two boxes saved together both land. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly filePath: string,
    private readonly cipher: SecretCipher,
  ) {}

  async get(boxId: string): Promise<string | undefined> {
    const encrypted = (await this.read())[boxId]
    return encrypted === undefined ? undefined : this.cipher.decrypt(Buffer.from(encrypted, 'base64'))
  }

  set(boxId: string, secret: string | undefined): Promise<void> {
    const write = this.queue.then(async () => {
      const secrets = await this.read()
      if (secret === undefined) delete secrets[boxId]
      else secrets[boxId] = this.cipher.encrypt(secret).toString('base64')
      await writeFileAtomically(this.filePath, JSON.stringify(secrets))
    })
    this.queue = write.catch(() => undefined)
    return write
  }

  private async read(): Promise<Record<string, string>> {
    let text: string
    try {
      text = await fsp.readFile(this.filePath, 'utf8')
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return {}
      throw error
    }
    return SecretFileSchema.parse(JSON.parse(text))
  }
}
