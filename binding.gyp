{
  "targets": [
    {
      "target_name": "tsysd_native",
      "sources": [
        "src/native/addon.c",
        "src/native/spawn.c",
        "src/native/reaper.c",
        "src/native/sock.c",
        "src/native/dgram.c",
        "src/native/misc.c",
        "src/native/journal.c",
        "src/native/timefd.c"
      ],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
    },
    {
      "target_name": "tsysctl_native",
      "sources": ["src/native/ctl-client.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
    },
    {
      "target_name": "tsysd-exec",
      "type": "executable",
      "sources": ["src/native/exec-helper.c", "src/native/sandbox-mount.c", "src/native/sandbox-ns.c", "src/native/sandbox-seccomp.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"],
      "libraries": ["-Wl,-Bstatic", "-lseccomp", "-Wl,-Bdynamic"]
    }
  ]
}
