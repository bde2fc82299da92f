#!/usr/bin/env bash
# Plans one synthesized stack for the pull request plan workflow and leaves, for the plan comment:
#
#   <out-dir>/<stack>.json        `terraform show -json plan.out` reduced by plan-summary.jq (no values)
#   <out-dir>/<stack>.txt         `terraform show -no-color plan.out` (Terraform masks sensitive values)
#   <out-dir>/<stack>.error.txt   instead of both, when init, plan or show fails (exit status 1)
#
# The binary plan.out stays in the stack's directory and is deleted on exit: a saved plan holds
# every value, secrets included, in clear text, so it must never be uploaded from a pull request.
#
# Usage: plan-stack.sh <stack> <working-directory> <out-dir>
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <stack> <working-directory> <out-dir>" >&2
  exit 2
fi
stack=$1
dir=$2
mkdir -p "$3"
out=$(cd "$3" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log=$(mktemp)
trap 'rm -f "$log" "$dir/plan.out"' EXIT
rm -f "$out/$stack.json" "$out/$stack.txt" "$out/$stack.error.txt"

# Keeps the end of the failing command's output (where Terraform puts its errors) as the error file.
fail() {
  rm -f "$out/$stack.json" "$out/$stack.txt"
  {
    echo "terraform $1 failed for $stack"
    echo
    tail -c 60000 "$log"
  } >"$out/$stack.error.txt"
  echo "::error title=terraform $1 failed (${stack})::see ${stack}.error.txt in the plan-${stack} artifact"
  exit 1
}

# Runs terraform in the stack's directory, its output both in the job log and in $log.
tf() {
  local step=$1
  shift
  if ! terraform -chdir="$dir" "$@" 2>&1 | tee "$log"; then
    fail "$step"
  fi
}

tf init init -input=false -no-color
tf plan plan -input=false -no-color -lock-timeout=5m -out=plan.out

if ! terraform -chdir="$dir" show -json plan.out 2>"$log" | jq -f "$here/plan-summary.jq" >"$out/$stack.json"; then
  fail "show -json"
fi
if ! terraform -chdir="$dir" show -no-color plan.out >"$out/$stack.txt" 2>"$log"; then
  fail show
fi
echo "plan of $stack written to $out/$stack.txt and $out/$stack.json"
