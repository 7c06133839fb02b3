#!/usr/bin/python3
"""A drive that lies, for tests: a writable FUSE pass-through of a folder that keeps every byte written to it
but answers reads of some files with one byte changed, as a failing or fake-capacity USB stick does. A
backup that trusted what it sent (or the page cache) would call such a copy verified.

  --corrupt NAME_PART  reads of any file whose path contains NAME_PART come back with their first byte
                       flipped; repeatable.
  --fail-list PART     listing a folder whose path contains PART fails with EIO (a damaged directory);
                       repeatable.

Usage: lyingDriveFs.py [options] FOLDER MOUNTPOINT   (runs in the foreground until unmounted)
Needs Debian's python3-fusepy (module `fusepy`) and /dev/fuse.
"""
import argparse
import errno
import os

from fusepy import FUSE, FuseOSError, Operations


class LyingDrive(Operations):
    def __init__(self, root, corrupt, fail_list):
        self.root = os.path.realpath(root)
        self.corrupt = corrupt
        self.fail_list = fail_list

    def _real(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._real(path))
        except FileNotFoundError:
            raise FuseOSError(errno.ENOENT)
        keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime")
        return {key: getattr(st, key) for key in keys}

    def readdir(self, path, fh):
        if any(part in path for part in self.fail_list):
            raise FuseOSError(errno.EIO)
        return [".", ".."] + os.listdir(self._real(path))

    def statfs(self, path):
        st = os.statvfs(self._real(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag",
                "f_frsize", "f_namemax")
        return {key: getattr(st, key) for key in keys}

    def access(self, path, mode):
        if not os.access(self._real(path), mode):
            raise FuseOSError(errno.EACCES)

    def open(self, path, flags):
        # O_DIRECT is the kernel's business here (direct_io below); the folder underneath may refuse it.
        return os.open(self._real(path), flags & ~os.O_DIRECT)

    def create(self, path, mode, fi=None):
        return os.open(self._real(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    def read(self, path, size, offset, fh):
        data = os.pread(fh, size, offset)
        if offset == 0 and data and any(part in path for part in self.corrupt):
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        return data

    def write(self, path, data, offset, fh):
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        with open(self._real(path), "r+b") as f:
            f.truncate(length)

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        os.fdatasync(fh) if datasync else os.fsync(fh)
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0

    def rename(self, old, new):
        os.rename(self._real(old), self._real(new))

    def mkdir(self, path, mode):
        os.mkdir(self._real(path), mode)

    def rmdir(self, path):
        os.rmdir(self._real(path))

    def unlink(self, path):
        os.unlink(self._real(path))

    def chmod(self, path, mode):
        os.chmod(self._real(path), mode)

    def utimens(self, path, times=None):
        os.utime(self._real(path), ns=None if times is None else tuple(int(t * 1e9) for t in times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corrupt", action="append", default=[])
    parser.add_argument("--fail-list", action="append", default=[])
    parser.add_argument("folder")
    parser.add_argument("mountpoint")
    args = parser.parse_args()
    # direct_io: every read reaches this process, never the page cache holding what was written.
    FUSE(LyingDrive(args.folder, args.corrupt, args.fail_list), args.mountpoint, foreground=True, direct_io=True,
         fsname="lyingdrive")


if __name__ == "__main__":
    main()
