#!/usr/bin/python3
"""A card that fails as real cards do, for tests: a FUSE pass-through of a folder (files can be read and
deleted, never written) that

  --fail-read PATH     answers EIO to reads of that file past its first 128 KiB (a bad sector mid-photo);
                       repeatable, PATH relative to the folder;
  --remove-after BYTES behaves as a card pulled out once that many bytes were read: from then on every
                       call fails with EIO, the root included.

Usage: failingFs.py [options] FOLDER MOUNTPOINT   (runs in the foreground until unmounted)
Needs Debian's python3-fusepy (module `fusepy`) and /dev/fuse.
"""
import argparse
import errno
import os
import threading

from fusepy import FUSE, FuseOSError, Operations

GOOD_PREFIX = 128 * 1024


class FailingCard(Operations):
    def __init__(self, root, fail_reads, remove_after):
        self.root = os.path.realpath(root)
        self.fail_reads = {"/" + path.strip("/") for path in fail_reads}
        self.remove_after = remove_after
        self.bytes_read = 0
        self.removed = False
        self.count_lock = threading.Lock()

    def _real(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _check(self):
        if self.removed:
            raise FuseOSError(errno.EIO)

    def getattr(self, path, fh=None):
        self._check()
        st = os.lstat(self._real(path))
        keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime")
        return {key: getattr(st, key) for key in keys}

    def readdir(self, path, fh):
        self._check()
        return [".", ".."] + os.listdir(self._real(path))

    def statfs(self, path):
        self._check()
        st = os.statvfs(self._real(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag",
                "f_frsize", "f_namemax")
        return {key: getattr(st, key) for key in keys}

    def access(self, path, mode):
        self._check()
        if not os.access(self._real(path), mode):
            raise FuseOSError(errno.EACCES)

    def open(self, path, flags):
        self._check()
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise FuseOSError(errno.EROFS)
        return os.open(self._real(path), os.O_RDONLY)

    def read(self, path, size, offset, fh):
        self._check()
        if path in self.fail_reads and offset + size > GOOD_PREFIX:
            raise FuseOSError(errno.EIO)
        with self.count_lock:
            if self.remove_after is not None and self.bytes_read >= self.remove_after:
                self.removed = True
                raise FuseOSError(errno.EIO)
            data = os.pread(fh, size, offset)
            self.bytes_read += len(data)
            return data

    # Cleanup deletes from the card: files and the folders it emptied; nothing else is ever written.
    def unlink(self, path):
        self._check()
        os.unlink(self._real(path))

    def rmdir(self, path):
        self._check()
        os.rmdir(self._real(path))

    def release(self, path, fh):
        os.close(fh)
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-read", action="append", default=[])
    parser.add_argument("--remove-after", type=int)
    parser.add_argument("folder")
    parser.add_argument("mountpoint")
    args = parser.parse_args()
    card = FailingCard(args.folder, args.fail_read, args.remove_after)
    # direct_io: every read reaches this process, so a failing sector is never served from the page cache.
    FUSE(card, args.mountpoint, foreground=True, direct_io=True, fsname="failingcard")


if __name__ == "__main__":
    main()
