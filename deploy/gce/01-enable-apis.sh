#!/usr/bin/env bash
# Enables the Google Cloud APIs the deployment uses (enabling an enabled API changes nothing).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apis=(
  compute.googleapis.com           # VMs, instance group, load balancer, firewall, NAT
  artifactregistry.googleapis.com  # the container image
  cloudbuild.googleapis.com        # builds the image (02-image.sh)
  secretmanager.googleapis.com     # the config file and the Google client secret
  redis.googleapis.com             # Memorystore
  iam.googleapis.com               # the VMs' service account
  logging.googleapis.com
  monitoring.googleapis.com
)

enabled="$(gc services list --enabled --format='value(config.name)')"
missing=()
for api in "${apis[@]}"; do
  grep -qx "${api}" <<<"${enabled}" || missing+=("${api}")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  log "all APIs already enabled"
else
  log "enabling ${missing[*]}"
  gc services enable "${missing[@]}"
fi
