#!/usr/bin/env bash
# Smoke test of a deployed environment: GET /health, then one authenticated report
# (GET /api/v1/reports/summary with the x-api-key of the environment's smoke-test store).
# A fresh deployment can take a little while to answer, so each request is retried.
#
# Usage: smoke-test.sh <environment>
#
#   API_URL              the stage URL; default: `terraform output -raw api_url` in
#                        cdktf.out/stacks/api-<environment> (SMOKE_STACK_DIR overrides the directory)
#   SMOKE_API_KEY        an API key of the environment's smoke-test store: in the deploy workflow, the
#                        output of its smoke-key step (`npm run -s store -- smoke-key --env <environment>`,
#                        which creates the store on the first deploy), masked; never echoed here
#   SMOKE_ATTEMPTS       tries per request (default 10)
#   SMOKE_DELAY_SECONDS  pause between tries (default 15)
#
# Writes `api-url=<url>` to GITHUB_OUTPUT when that is set. Exits non-zero with a `::error::`
# annotation when a request never succeeds.
set -euo pipefail

environment=${1:?usage: smoke-test.sh <environment>}
attempts=${SMOKE_ATTEMPTS:-10}
delay=${SMOKE_DELAY_SECONDS:-15}
stack_dir=${SMOKE_STACK_DIR:-cdktf.out/stacks/api-${environment}}

error() {
  echo "::error title=Smoke test failed (${environment})::$1"
  exit 1
}

api_url=${API_URL:-}
if [[ -z $api_url ]]; then
  api_url=$(terraform -chdir="$stack_dir" output -raw api_url) ||
    error "could not read the api_url output of ${stack_dir} (was the api stack deployed?)"
fi
api_url=${api_url%/}
[[ $api_url == https://* || $api_url == http://* ]] || error "api_url is not a URL: '${api_url}'"
[[ -n ${SMOKE_API_KEY:-} ]] || error "SMOKE_API_KEY is empty: pass the smoke-test store's key (npm run -s store -- smoke-key --env ${environment})"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  echo "api-url=${api_url}" >>"$GITHUB_OUTPUT"
fi

body=$(mktemp)
trap 'rm -f "$body"' EXIT

# check <description> <url> [curl arguments...]: 2xx with a JSON object body, retried.
check() {
  local what=$1 url=$2 status attempt
  shift 2
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    status=$(curl --fail --silent --show-error --max-time 20 --output "$body" --write-out '%{http_code}' "$@" "$url" 2>/dev/null) || true
    if [[ $status == 2?? ]] && [[ $(head -c 1 "$body") == "{" ]]; then
      echo "ok: ${what} answered HTTP ${status} (attempt ${attempt})"
      return 0
    fi
    echo "waiting: ${what} answered HTTP ${status:-none} (attempt ${attempt}/${attempts})"
    if ((attempt < attempts)); then sleep "$delay"; fi
  done
  error "${what} (${url}) did not answer 2xx with JSON after ${attempts} attempts; last HTTP status ${status:-none}, body: $(head -c 300 "$body" | tr '\n' ' ')"
}

check "GET /health" "${api_url}/health"
check "GET /api/v1/reports/summary" "${api_url}/api/v1/reports/summary" --header "x-api-key: ${SMOKE_API_KEY}"
echo "smoke test of ${environment} passed: ${api_url}"
