import { parentPort, workerData } from 'node:worker_threads'
import { CHUNK_BYTES } from './chunkBuffers.js'
import { keepHashersReady, takeReadyHasher } from './fileHash.js'
import { copyLocalFile, type ThreadCopyRequest } from './threadedCopy.js'

/**
 * Entry of a copy thread (started by copyThreads.ts): takes one card file at a time and copies it with
 * synchronous calls (threadedCopy.ts). Messages out: `{ progress: [id, bytes] }` while a large file is
 * copied, then the file's reply.
 */

export interface CopyThreadData {
  /** Set to 1 by the main thread when the run is cancelled; read between chunks. */
  cancelFlag: Int32Array
}

/** A source hasher and, per drive, one for the direct read and one for its fallback through the cache. */
const hashersFor = (drives: number) => 1 + 2 * drives

const port = parentPort
if (port) {
  const { cancelFlag } = workerData as CopyThreadData
  const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES)
  const madeFolders = new Set<string>()
  const waiting: ThreadCopyRequest[] = []
  let busy = false
  const work = async () => {
    busy = true
    for (let request = waiting.shift(); request; request = waiting.shift()) {
      const { id } = request
      await keepHashersReady(hashersFor(request.targets.length))
      const reply = copyLocalFile(request, {
        buffer,
        newHasher: takeReadyHasher,
        isCancelled: () => Atomics.load(cancelFlag, 0) === 1,
        onBytes: (bytes) => port.postMessage({ progress: [id, bytes] }),
        madeFolders,
      })
      port.postMessage(reply)
    }
    busy = false
  }
  port.on('message', (request: ThreadCopyRequest) => {
    waiting.push(request)
    if (!busy) void work()
  })
}
