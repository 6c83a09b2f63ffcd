#!/usr/bin/env bash
# Creates the Artifact Registry repository and builds the mcp-front image into it with Cloud Build.
# Cloud Build rather than docker build/push: it needs no Docker engine on the machine that runs this,
# and it builds linux/amd64 (what the VMs run) from any laptop. The tag is the git commit: an image
# that already exists under that tag is not built again.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if exists gc artifacts repositories describe "${AR_REPO}" --location="${REGION}"; then
  log "repository ${AR_REPO} exists"
else
  log "creating Docker repository ${AR_REPO} in ${REGION}"
  gc artifacts repositories create "${AR_REPO}" --location="${REGION}" --repository-format=docker \
    --description="mcp-front images"
fi

image="$(image)"
if exists gc artifacts docker images describe "${image}"; then
  log "image ${image} exists"
  exit 0
fi
[[ -f "${REPO_ROOT}/Dockerfile" ]] || die "no Dockerfile at the repository root (${REPO_ROOT})"
log "building ${image} with Cloud Build"
# The upload skips what .gitignore lists (gcloud uses it when there is no .gcloudignore).
gc builds submit "${REPO_ROOT}" --region="${REGION}" --tag="${image}"
