#!/usr/bin/env bash
# Creates the VMs' service account with only what they need: write logs and metrics, list the
# project's VMs (Hazelcast gcp discovery) and pull the image. Access to the secrets is granted per
# secret by 04-secrets.sh.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if exists gc iam service-accounts describe "${SA_EMAIL}"; then
  log "service account ${SA_EMAIL} exists"
else
  log "creating service account ${SA_EMAIL}"
  gc iam service-accounts create "${SERVICE_ACCOUNT_NAME}" --display-name="mcp-front VMs"
  # IAM is eventually consistent: a binding for a brand-new account can fail for a few seconds.
  sleep 10
fi

member="serviceAccount:${SA_EMAIL}"
for role in roles/logging.logWriter roles/monitoring.metricWriter roles/compute.viewer; do
  ensure_binding "${role}" "${member}" projects "${PROJECT_ID}"
done
ensure_binding roles/artifactregistry.reader "${member}" "artifacts repositories" "${AR_REPO}" \
  --location="${REGION}"
