"""Confinement of the current process: what it may do from now on, for the rest of its life.

- :func:`die_with_parent` asks the kernel to kill this process when its
  parent dies (``PR_SET_PDEATHSIG``);
- :func:`limit_memory` caps its data memory (``RLIMIT_DATA``: heap and private
  anonymous mappings, not the database files RocksDB maps) at what it already
  uses plus a given number of MiB;
- :func:`forbid_network` installs a seccomp filter under which ``socket()``
  fails with EACCES for every address family but AF_UNIX, and io_uring (which
  could open sockets past the filter) does not exist. It holds on Linux x86_64
  and aarch64 only, and says whether it holds.

None of this can be undone, so only a process made for it (the query child of
:mod:`sco_graph.child`) calls these. ctypes and resource are imported only
when they are called.
"""

from __future__ import annotations

import os
import signal
import struct

MIB = 1_048_576

_PR_SET_PDEATHSIG = 1
_PR_SET_SECCOMP = 22
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_MODE_FILTER = 2
_AF_UNIX = 1
# Machine name: (AUDIT_ARCH_* of the native ABI, number of socket()); io_uring_setup is 425 on both.
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_IO_URING_SETUP = 425
_X32_BIT = 0x40000000  # x86_64's x32 ABI: the same kernel, other syscall numbers
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | 13  # SECCOMP_RET_ERRNO | EACCES
_NO_SUCH_CALL = 0x00050000 | 38  # SECCOMP_RET_ERRNO | ENOSYS
_LOAD, _JEQ, _JGE, _RETURN = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K


# ------------------------------------------------------------------ death with the parent
def _prctl(*arguments: int) -> bool:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    values = [ctypes.c_ulong(value) for value in arguments[1:]] + [ctypes.c_ulong(0)] * (5 - len(arguments))
    return int(libc.prctl(ctypes.c_int(arguments[0]), *values)) == 0


def die_with_parent(parent: int) -> bool:
    """Have the kernel SIGKILL this process when its parent dies; False when ``parent`` is already gone."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    return os.getppid() == parent  # else the parent died before the request above took effect


# ------------------------------------------------------------------ the memory limit
def _data_size() -> int:
    """This process's data segment (VmData) in bytes, 0 when /proc cannot tell."""
    try:
        descriptor = os.open("/proc/self/status", os.O_RDONLY)
        try:
            status = os.read(descriptor, 65536)
        finally:
            os.close(descriptor)
        for line in status.splitlines():
            if line.startswith(b"VmData:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def limit_memory(memory_mib: int) -> None:
    """Let this process's data grow by at most ``memory_mib`` MiB beyond what it holds now."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = _data_size() + memory_mib * MIB
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


# ------------------------------------------------------------------ the network filter
def network_filter(arch: int, socket_call: int) -> bytes:
    """A classic-BPF seccomp program: ``socket()`` for any family but AF_UNIX fails with EACCES.

    System calls of another ABI (i386 or x32 on x86_64) fail with EACCES, and
    ``io_uring_setup`` with ENOSYS; everything else is allowed.
    """
    program = [
        (_LOAD, 0, 0, 4),  # 0: A = seccomp_data.arch
        (_JEQ, 1, 0, arch),  # 1: native ABI -> 3
        (_RETURN, 0, 0, _DENY),  # 2: another ABI
        (_LOAD, 0, 0, 0),  # 3: A = seccomp_data.nr
        (_JGE, 5, 0, _X32_BIT),  # 4: x32 -> 10
        (_JEQ, 0, 2, socket_call),  # 5: socket() -> 6, else -> 8
        (_LOAD, 0, 0, 16),  # 6: A = low 32 bits of args[0], the address family (the kernel reads an int)
        (_JEQ, 1, 2, _AF_UNIX),  # 7: AF_UNIX -> 9, else -> 10
        (_JEQ, 2, 0, _IO_URING_SETUP),  # 8: io_uring_setup -> 11
        (_RETURN, 0, 0, _ALLOW),  # 9
        (_RETURN, 0, 0, _DENY),  # 10
        (_RETURN, 0, 0, _NO_SUCH_CALL),  # 11
    ]
    return b"".join(struct.pack("=HBBI", code, true, false, k) for code, true, false, k in program)


def forbid_network() -> bool:
    """From now on, this process (and its threads) cannot open network sockets; True when the kernel enforces it."""
    spec = _ARCHES.get(os.uname().machine)
    if spec is None or struct.calcsize("P") != 8:
        return False
    import ctypes

    code = network_filter(*spec)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = struct.pack("=HxxxxxxQ", len(code) // 8, ctypes.addressof(buffer))  # struct sock_fprog
    fprog = ctypes.create_string_buffer(program, len(program))
    if not _prctl(_PR_SET_NO_NEW_PRIVS, 1):
        return False
    if not _prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog)):
        return False
    return _network_is_closed()


def _network_is_closed() -> bool:
    import socket

    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False
