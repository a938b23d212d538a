#!/bin/sh
# /usr/local/bin/tsysd in the image: the container's entrypoint. With no arguments, or only options, it runs
# the manager as PID 1 in system + container mode (`exec`, so node itself is PID 1 and receives the
# stop signal); a subcommand (verify, plan, dump, version) is passed through unchanged.
#   TSYSD_HEALTH_LISTEN=ADDR  add --health-listen ADDR (e.g. 0.0.0.0:8080) for HTTP probes
#   TSYSD_ARGS="..."          extra daemon options (word-split), e.g. "--log-level debug"
case "${1:-}" in --version|-h|--help) exec /usr/local/bin/node /opt/tsysd/dist/bundle/tsysd.js "$@" ;; esac
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  if [ -n "${TSYSD_HEALTH_LISTEN:-}" ]; then
    set -- --health-listen "$TSYSD_HEALTH_LISTEN" "$@"
  fi
  # shellcheck disable=SC2086
  set -- --system --container ${TSYSD_ARGS:-} "$@"
fi
# --max-semi-space-size=2 --v8-pool-size=1: keep the manager's RSS down (see bin/tsysd). The esbuild bundle
# (one file, `npm run build`) starts faster than dist/src's ~170 modules.
exec /usr/local/bin/node --max-semi-space-size=2 --v8-pool-size=1 /opt/tsysd/dist/bundle/tsysd.js "$@"
