import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EncryptedSecretStore, type SecretCipher } from '../../../src/core/sources/encryptedSecretStore.js'

// A real cipher (AES-256-GCM) with a key held in memory, standing in for the OS keychain of Electron's
// safeStorage, which exists only inside the app.
function aesCipher(key = randomBytes(32)): SecretCipher {
  return {
    encrypt: (plainText) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    decrypt: (data) => {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12))
      decipher.setAuthTag(data.subarray(12, 28))
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}

let dir: string
let file: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'secrets-'))
  file = path.join(dir, 'box-secrets.json')
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

describe('EncryptedSecretStore', () => {
  it('keeps a box password across restarts without ever writing it in plain text', async () => {
    const cipher = aesCipher()
    await new EncryptedSecretStore(file, cipher).set('field-box', 'moth-hunter 2026!')
    const text = await fsp.readFile(file, 'utf8')
    expect(text).not.toContain('moth-hunter')
    expect(((await fsp.stat(file)).mode & 0o077).toString(8)).toBe('0')
    expect(await new EncryptedSecretStore(file, cipher).get('field-box')).toBe('moth-hunter 2026!')
  })

  it('saves several boxes at once and forgets one on request', async () => {
    const store = new EncryptedSecretStore(file, aesCipher())
    await Promise.all([store.set('a', 'one'), store.set('b', 'two'), store.set('c', 'three')])
    await store.set('b', undefined)
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual([
      'one',
      undefined,
      'three',
    ])
  })

  it('cannot be read with another key (a copied file is useless elsewhere)', async () => {
    await new EncryptedSecretStore(file, aesCipher()).set('field-box', 'secret')
    await expect(new EncryptedSecretStore(file, aesCipher()).get('field-box')).rejects.toThrow()
  })
})
