#!/usr/bin/env bash
# Installs the system programs the tests and benchmarks run for real: redis-server and OpenSSH's sshd for
# the integration tests, rsync and libvips-tools (vipsthumbnail) for the benchmarks, Chromium for the
# end-to-end tests (never a downloaded browser). Debian/Ubuntu only; on other systems install the same
# programs by hand.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
[ -x /usr/bin/chromium ] || need+=(chromium)
# The verify test mounts an ext4 image on a loop device and finds a file's blocks (needs root as well).
[ -x /usr/sbin/mkfs.ext4 ] && [ -x /usr/sbin/filefrag ] || need+=(e2fsprogs)
command -v losetup >/dev/null 2>&1 || need+=(mount)
# FAT32 and exFAT drives and a failing card, mounted through FUSE for the file-system tests
# (docs/file-systems.md): the kernel may have no vfat/exfat module, and a FUSE mount is what such laptops use.
[ -x /usr/sbin/mkfs.vfat ] || need+=(dosfstools)
[ -x /usr/sbin/mkfs.exfat ] || need+=(exfatprogs)
command -v fusefat >/dev/null 2>&1 || need+=(fusefat)
[ -x /usr/sbin/mount.exfat-fuse ] || need+=(exfat-fuse)
/usr/bin/python3 -c 'import fusepy' >/dev/null 2>&1 || need+=(python3-fusepy)
# vipsthumbnail: the reference the thumbnail benchmark measures the Companion against.
command -v vipsthumbnail >/dev/null 2>&1 || need+=(libvips-tools)
# GNU time: the catalog benchmark's peak-memory figure.
[ -x /usr/bin/time ] || need+=(time)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-system: everything is installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup-system: installing ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
