#!/bin/sh
# A check that ignores SIGTERM, as does the sleep it starts (an ignored signal stays ignored across
# fork and exec), and never ends by itself. It writes its own pid, its process group and the
# sleep's pid to /tmp/ccci-e2e-stubborn-$CCCI_STACK.pids for the fault matrix to wait for and to
# look for after the run; only SIGKILL to the group ends them.
trap '' TERM
sleep 600 &
pids=/tmp/ccci-e2e-stubborn-$CCCI_STACK.pids
printf '%s %s %s\n' "$$" "$(cut -d' ' -f5 /proc/$$/stat)" "$!" >"$pids.tmp"
mv "$pids.tmp" "$pids"
wait
