/**
 * Backups keep several files in flight, each ending in an fsync that holds one of libuv's worker threads
 * until the drive has the data; with libuv's default of four threads, every other read and write queued
 * behind those flushes. libuv sizes its pool at the first asynchronous file operation, so entry points
 * import this module before anything else. A size the user set is kept.
 */
export const IO_THREADS = 16

process.env['UV_THREADPOOL_SIZE'] ??= String(IO_THREADS)
