#!/usr/bin/env bash
# A wrapper around the real terraform for the `tfguard apply` signal tests (--terraform-bin). Every command but
# `plan` runs the real terraform. `plan` stands for a plan that is interrupted late: it waits (up to
# SLOW_TF_WAIT seconds, default 30) for SIGINT or SIGTERM, says "Interrupt received" as terraform 1.11 does, then
# still runs the real `terraform plan` with the same arguments — the plan is written and it exits 0, exactly
# what terraform does when the interrupt comes too late to stop it. So the signal always lands mid-plan.
#   SLOW_TF_REAL   the real terraform (default: terraform on PATH)
#   SLOW_TF_LOG    each step is appended here, one line each: `plan: waiting`, `plan: got INT`, ...
set -u
real="${SLOW_TF_REAL:-terraform}"

log() {
  if [ -n "${SLOW_TF_LOG:-}" ]; then printf '%s\n' "$*" >>"$SLOW_TF_LOG"; fi
}

if [ "${1:-}" != plan ]; then
  exec "$real" "$@"
fi

got=""
trap 'got=INT' INT
trap 'got=TERM' TERM
sleep "${SLOW_TF_WAIT:-30}" &
sleeper=$!
log "plan: waiting"
while [ -z "$got" ] && kill -0 "$sleeper" 2>/dev/null; do
  wait "$sleeper"
done
kill "$sleeper" 2>/dev/null
log "plan: got ${got:-nothing}"
if [ -n "$got" ]; then
  echo "Interrupt received."
  echo "Please wait for Terraform to exit or data loss may occur."
fi
trap - INT TERM
"$real" "$@"
code=$?
log "plan: exit $code"
exit "$code"
