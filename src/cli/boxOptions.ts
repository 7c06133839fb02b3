import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { CompanionError } from '../core/errors.js'
import type { HostKeyOffer } from '../core/sources/sftpConnect.js'
import type { BoxConnectionOptions } from '../core/sources/openSource.js'

interface BoxFlags {
  identity?: string
  passwordEnv?: string
  passphraseEnv?: string
  knownHosts?: string
  acceptNewHostKey?: boolean
}

/**
 * The options every command takes for an `sftp://` source. Secrets come from environment variables only:
 * a password on the command line would be visible in `ps` and shell history.
 */
export function addBoxOptions(program: Command): Command {
  return program
    .option('--identity <keyfile>', 'private key file for an sftp:// box (default: ssh-agent)')
    .option('--password-env <VAR>', 'name of the environment variable holding the box password')
    .option('--passphrase-env <VAR>', 'name of the environment variable holding the key passphrase')
    .option('--known-hosts <file>', "known-hosts file for boxes (default: the app's own)")
    .option('--accept-new-host-key', "trust a box's host key on its first connection without asking")
}

const fromEnvironment = (variable: string, what: string): string => {
  const value = process.env[variable]
  if (value === undefined || value === '') {
    throw new CompanionError('INVALID_INPUT', `The environment variable ${variable} (${what}) is not set`)
  }
  return value
}

/** Connection options for a box from the global flags; ignored when the source is a local path. */
export function boxOptionsOf(command: Command): BoxConnectionOptions {
  const flags = command.optsWithGlobals<BoxFlags>()
  const password = flags.passwordEnv ? fromEnvironment(flags.passwordEnv, 'box password') : undefined
  const passphrase = flags.passphraseEnv ? fromEnvironment(flags.passphraseEnv, 'key passphrase') : undefined
  return {
    auth: {
      ...(flags.identity ? { privateKeyPath: flags.identity } : {}),
      ...(password === undefined ? {} : { password }),
      ...(passphrase === undefined ? {} : { passphrase }),
    },
    ...(flags.knownHosts ? { knownHostsPath: flags.knownHosts } : {}),
    confirmNewHostKey: flags.acceptNewHostKey
      ? () => true
      : process.stdin.isTTY && process.stderr.isTTY
        ? askToTrust
        : undefined,
  }
}

/** OpenSSH's first-connection question, on the terminal. */
async function askToTrust(offer: HostKeyOffer): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  try {
    process.stderr.write(
      `The box ${offer.host}:${offer.port} is not known yet.\n` +
        `Its ${offer.keyType} host key fingerprint is ${offer.fingerprint}.\n`,
    )
    const answer = await prompt.question('Is this the box you mean to connect to (yes/no)? ')
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    prompt.close()
  }
}
