#!/usr/bin/env bash
# Sourced by every numbered script: loads env.sh, derives the few computed names, and holds the
# helpers that make each step describe-or-create (re-running a script changes nothing).
set -euo pipefail

GCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${GCE_DIR}/../.." && pwd)"
BUILD_DIR="${GCE_DIR}/.build"

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ ! -f "${GCE_DIR}/env.sh" ]]; then
  die "deploy/gce/env.sh is missing: cp deploy/gce/env.example.sh deploy/gce/env.sh and fill it in"
fi
# shellcheck source=env.example.sh
source "${GCE_DIR}/env.sh"

for required in PROJECT_ID REGION ZONES DOMAIN ALLOWED_DOMAIN GOOGLE_CLIENT_ID NAME CLUSTER_NAME NETWORK \
    NETWORK_TAG AR_REPO MACHINE_TYPE MIG_SIZE APP_PORT HEALTH_PATH EVENTBUS_PORT HAZELCAST_PORT \
    BACKEND_TIMEOUT_SEC DRAIN_TIMEOUT_SEC; do
  [[ -n "${!required:-}" ]] || die "${required} is empty in deploy/gce/env.sh"
done
[[ "${PROJECT_ID}" != "your-gcp-project" ]] || die "set PROJECT_ID in deploy/gce/env.sh"
# The load balancer's backend timeout is the longest an SSE stream can live (README.md, "Timeouts").
(( BACKEND_TIMEOUT_SEC >= 3600 )) || die "BACKEND_TIMEOUT_SEC must be at least 3600 (it cuts SSE streams)"
# mcp-front drains its sessions for up to 30 s on SIGTERM; the load balancer must wait longer.
(( DRAIN_TIMEOUT_SEC >= 35 )) || die "DRAIN_TIMEOUT_SEC must be at least 35"

SA_EMAIL="${SERVICE_ACCOUNT_NAME}@${PROJECT_ID}.iam.gserviceaccount.com"
REGISTRY_HOST="${REGION}-docker.pkg.dev"

# gcloud pinned to the project, never prompting (scripts must run unattended).
gc() { gcloud --project="${PROJECT_ID}" --quiet "$@"; }

# True when the command succeeds, e.g. exists gc compute networks describe default.
exists() { "$@" >/dev/null 2>&1; }

# The image tag: the git commit of the checkout, so that a rebuild of the same commit is skipped.
image_tag() {
  if [[ -n "${IMAGE_TAG:-}" ]]; then
    printf '%s\n' "${IMAGE_TAG}"
    return
  fi
  if [[ -n "$(git -C "${REPO_ROOT}" status --porcelain --untracked-files=no)" ]]; then
    die "the checkout has uncommitted changes: commit them, or set IMAGE_TAG to build them under a new tag"
  fi
  git -C "${REPO_ROOT}" rev-parse --short=12 HEAD
}

# The names the load balancer's certificate covers: DOMAIN and every route host (ROUTE_DOMAINS).
cert_domains() {
  local -a route_domains
  read -ra route_domains <<<"${ROUTE_DOMAINS:-}"
  printf '%s\n' "${DOMAIN}" "${route_domains[@]}" | paste -sd, -
}

# A Google-managed certificate's names cannot change: each list of names gets its own certificate.
cert_name() {
  if [[ -z "${ROUTE_DOMAINS:-}" ]]; then
    printf '%s\n' "${SSL_CERT}"
  else
    printf '%s-%s\n' "${SSL_CERT}" "$(cert_domains | sha256sum | cut -c1-8)"
  fi
}

image() { printf '%s/%s/%s/mcp-front:%s\n' "${REGISTRY_HOST}" "${PROJECT_ID}" "${AR_REPO}" "$(image_tag)"; }

# redis://host:port of the Memorystore instance (05-redis.sh creates it).
redis_url() {
  local host port
  read -r host port < <(gc redis instances describe "${REDIS_INSTANCE}" --region="${REGION}" \
    --format='value(host,port)')
  [[ -n "${host}" ]] || die "Memorystore instance ${REDIS_INSTANCE} has no host yet: run 05-redis.sh"
  printf 'redis://%s:%s\n' "${host}" "${port}"
}

# Prints FILE with every @@NAME@@ replaced by the value of the shell variable NAME; a placeholder
# without a variable is an error. @@ keeps these apart from ${VAR}, which bash and mcp-front expand.
render() {
  local content name
  content="$(<"$1")"
  while read -r name; do
    [[ -n "${name}" ]] || continue
    [[ -v "${name}" ]] || die "$1 uses @@${name}@@ but ${name} is not set"
    content="${content//"@@${name}@@"/"${!name}"}"
  done < <(grep -o '@@[A-Z0-9_]*@@' "$1" | tr -d '@' | sort -u)
  printf '%s\n' "${content}"
}

# Adds ROLE for MEMBER to a resource's IAM policy unless it is there already.
#   ensure_binding ROLE MEMBER "GROUP WORDS" RESOURCE [FLAGS...]
#   e.g. ensure_binding roles/secretmanager.secretAccessor "serviceAccount:${SA_EMAIL}" secrets my-secret
ensure_binding() {
  local role="$1" member="$2" group_words="$3" resource="$4"
  shift 4
  local -a group
  read -r -a group <<<"${group_words}"
  local found
  found="$(gc "${group[@]}" get-iam-policy "${resource}" "$@" --flatten='bindings[].members' \
    --filter="bindings.role=${role} AND bindings.members=${member}" --format='value(bindings.role)')"
  if [[ -n "${found}" ]]; then
    log "${resource}: ${member} already has ${role}"
    return
  fi
  log "${resource}: granting ${role} to ${member}"
  if [[ "${group[0]}" == "projects" ]]; then
    # Project policies may hold conditional bindings; --condition=None keeps gcloud from asking.
    gc "${group[@]}" add-iam-policy-binding "${resource}" "$@" --member="${member}" --role="${role}" \
      --condition=None >/dev/null
  else
    gc "${group[@]}" add-iam-policy-binding "${resource}" "$@" --member="${member}" --role="${role}" >/dev/null
  fi
}

# Number of zones in ZONES: a regional MIG surges by at least one VM per zone.
zone_count() {
  local -a zones
  IFS=',' read -r -a zones <<<"${ZONES}"
  printf '%s\n' "${#zones[@]}"
}

# The instance template for the current image and settings: its name carries a hash of everything
# that goes into it, so a re-run finds the same template and a change makes a new one.
render_template_files() {
  mkdir -p "${BUILD_DIR}"
  # Read by render through @@IMAGE@@ and @@REDIS_URL@@.
  # shellcheck disable=SC2034
  IMAGE="$(image)"
  # shellcheck disable=SC2034
  REDIS_URL="$(redis_url)"
  render "${GCE_DIR}/cloud-init.yaml" >"${BUILD_DIR}/cloud-init.yaml"
  render "${GCE_DIR}/hazelcast-gcp.yaml" >"${BUILD_DIR}/hazelcast.yaml"
}

template_name() {
  local hash
  hash="$(cat "${BUILD_DIR}/cloud-init.yaml" "${BUILD_DIR}/hazelcast.yaml" \
    <(printf '%s\n' "${MACHINE_TYPE}" "${BOOT_DISK_SIZE}" "${NETWORK}" "${SUBNET}" "${NETWORK_TAG}" \
      "${CLUSTER_NAME}" "${SA_EMAIL}") | sha256sum | cut -c1-10)"
  printf '%s-%s\n' "${INSTANCE_TEMPLATE_PREFIX}" "${hash}"
}
