#!/usr/bin/env bash
# A stand-in for terraform in the `tfguard apply` end-to-end tests (--terraform-bin). It answers only what
# tfguard asks: `version -json`, `plan -out=FILE` (copies a real saved plan), `show -json FILE` (prints a real
# plan JSON) and `apply ... PLANFILE`. Driven by environment variables:
#   FAKE_TF_LOG          every invocation is appended here, one line each (what ran, in order)
#   FAKE_TF_PLAN         saved plan copied to the -out file
#   FAKE_TF_PLAN_EXIT    if set, `plan` fails with this exit code (and writes no plan)
#   FAKE_TF_PLAN_NONE    if set, `plan` exits 0 without writing the plan
#   FAKE_TF_JSON         plan JSON printed by `show -json`
#   FAKE_TF_SHOW_DELAY   seconds `show` waits before printing (to interrupt tfguard during its review)
#   FAKE_TF_APPLY        exit code of `apply` (default 0), or `crash`: it kills itself with SIGKILL mid-apply
#   FAKE_TF_APPLY_STOP   if set, `apply` waits (up to 30 s) for SIGINT or SIGTERM, then takes this many seconds
#                        to stop gracefully, as terraform does, before exiting with FAKE_TF_APPLY's code
set -u

log() {
  if [ -n "${FAKE_TF_LOG:-}" ]; then printf '%s\n' "$*" >>"$FAKE_TF_LOG"; fi
}
log "$*"

case "${1:-}" in
  version)
    echo '{"terraform_version":"1.11.4","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}'
    ;;
  plan)
    out=""
    for arg in "$@"; do
      case "$arg" in -out=*) out="${arg#-out=}" ;; esac
    done
    if [ -n "${FAKE_TF_PLAN_EXIT:-}" ]; then
      echo "Error: fake terraform: plan failed" >&2
      exit "$FAKE_TF_PLAN_EXIT"
    fi
    if [ -n "${FAKE_TF_PLAN_NONE:-}" ]; then
      echo "fake terraform: exit 0, no plan written"
      exit 0
    fi
    if [ -z "$out" ]; then
      echo "fake terraform: plan without -out=FILE" >&2
      exit 1
    fi
    cp "$FAKE_TF_PLAN" "$out"
    echo "Plan: 1 to add, 0 to change, 0 to destroy. (fake)"
    ;;
  show)
    if [ -n "${FAKE_TF_SHOW_DELAY:-}" ]; then
      log "show: waiting"
      sleep "$FAKE_TF_SHOW_DELAY" &
      pid=$!
      trap 'kill "$pid" 2>/dev/null; exit 143' TERM INT
      wait "$pid"
    fi
    cat "$FAKE_TF_JSON"
    ;;
  apply)
    echo "fake terraform: Creating..."
    if [ -n "${FAKE_TF_APPLY_STOP:-}" ]; then
      got=""
      trap 'got=INT' INT
      trap 'got=TERM' TERM
      sleep 30 &
      pid=$!
      log "apply: waiting"
      while [ -z "$got" ] && kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
      kill "$pid" 2>/dev/null
      log "apply: got ${got:-nothing}"
      echo "fake terraform: Interrupt received, stopping gracefully"
      sleep "$FAKE_TF_APPLY_STOP"
      log "apply: stopped"
    fi
    case "${FAKE_TF_APPLY:-0}" in
      crash)
        log "apply: crashing"
        kill -KILL $$
        ;;
      *)
        exit "${FAKE_TF_APPLY:-0}"
        ;;
    esac
    ;;
  *)
    echo "fake terraform: unexpected command: $*" >&2
    exit 1
    ;;
esac
