import { parentPort, workerData } from 'node:worker_threads'
import { CHUNK_BYTES } from './chunkBuffers.js'
import { keepHashersReady, takeReadyHasher } from './fileHash.js'
import { copyLocalFile, type ThreadCopyReply, type ThreadCopyRequest } from './threadedCopy.js'

/**
 * Entry of a copy thread (started by copyThreads.ts): copies one card file at a time with synchronous calls
 * (threadedCopy.ts) and answers with the file's reply, after progress messages while a large file is copied.
 */

export interface CopyThreadData {
  /** Set to 1 by the main thread when the run is cancelled. */
  cancelFlag: Int32Array
  /** Per drive slot, set to 1 when the main thread gave that drive up. */
  givenUp: Int32Array
}

/** What a copy thread posts: progress of a file, its reply, or an error of this program while copying it. */
export type CopyThreadMessage =
  ThreadCopyReply | { id: number; progress: number } | { id: number; error: string }

/** A source hasher and, per drive, one for the direct read and one for its fallback through the cache. */
const hashersFor = (drives: number) => 1 + 2 * drives

const port = parentPort
if (port) {
  const { cancelFlag, givenUp } = workerData as CopyThreadData
  const post = (message: CopyThreadMessage) => port.postMessage(message)
  const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES)
  const madeFolders = new Set<string>()
  port.on('message', (request: ThreadCopyRequest) => {
    const { id } = request
    // One file at a time: the main thread sends the next only after this one's reply.
    keepHashersReady(hashersFor(request.targets.length))
      .then(() =>
        copyLocalFile(request, {
          buffer,
          newHasher: takeReadyHasher,
          isCancelled: () => Atomics.load(cancelFlag, 0) === 1,
          isGivenUp: (slot) => Atomics.load(givenUp, slot) === 1,
          onBytes: (bytes) => post({ id, progress: bytes }),
          madeFolders,
        }),
      )
      .then(post, (error: unknown) =>
        post({ id, error: error instanceof Error ? error.message : String(error) }),
      )
  })
}
