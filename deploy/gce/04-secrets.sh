#!/usr/bin/env bash
# Creates the Secret Manager secrets: the mcp-front config file (CONFIG_FILE) and the Google OAuth
# client secret. A new version is added only when the content differs from the latest one, so
# re-running changes nothing, and re-running after editing the config publishes the edit (the VMs
# fetch it within a minute and mcp-front hot-reloads it).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_secret() {
  local secret="$1"
  if exists gc secrets describe "${secret}"; then
    log "secret ${secret} exists"
  else
    log "creating secret ${secret}"
    gc secrets create "${secret}" --replication-policy=automatic --labels="app=${NAME}"
  fi
  ensure_binding roles/secretmanager.secretAccessor "serviceAccount:${SA_EMAIL}" secrets "${secret}"
}

# Adds the file as a new version unless the latest version holds the same bytes.
publish() {
  local secret="$1" file="$2"
  if cmp -s "${file}" <(gc secrets versions access latest --secret="${secret}" 2>/dev/null); then
    log "secret ${secret} is up to date"
  else
    log "adding a version to ${secret}"
    gc secrets versions add "${secret}" --data-file="${file}" >/dev/null
  fi
}

config="${REPO_ROOT}/${CONFIG_FILE}"
[[ -f "${config}" ]] || die "CONFIG_FILE ${CONFIG_FILE} does not exist"
ensure_secret "${CONFIG_SECRET}"
publish "${CONFIG_SECRET}" "${config}"

ensure_secret "${CLIENT_SECRET_SECRET}"
has_version="$(gc secrets versions list "${CLIENT_SECRET_SECRET}" --filter='state=ENABLED' --limit=1 \
  --format='value(name)')"
client_secret="${GOOGLE_CLIENT_SECRET:-}"
if [[ -z "${client_secret}" && -z "${has_version}" ]]; then
  [[ -t 0 ]] || die "set GOOGLE_CLIENT_SECRET, or run this in a terminal to type it"
  read -r -s -p "Client secret of OAuth client ${GOOGLE_CLIENT_ID}: " client_secret
  echo >&2
fi
if [[ -n "${client_secret}" ]]; then
  # Through a private temporary file: never on a command line, where ps would show it.
  tmp="$(mktemp)"
  trap 'rm -f "${tmp}"' EXIT
  printf '%s' "${client_secret}" >"${tmp}"
  publish "${CLIENT_SECRET_SECRET}" "${tmp}"
else
  log "secret ${CLIENT_SECRET_SECRET} already has a version (set GOOGLE_CLIENT_SECRET to replace it)"
fi
