#!/usr/bin/env bash
# Creates the Memorystore for Redis instance in the VMs' VPC (private address only) and prints its
# REDIS_URL, which 07-instance-template.sh puts into the container environment. Creation takes
# about five minutes.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if exists gc redis instances describe "${REDIS_INSTANCE}" --region="${REGION}"; then
  log "Memorystore instance ${REDIS_INSTANCE} exists"
else
  log "creating Memorystore instance ${REDIS_INSTANCE} (${REDIS_TIER}, ${REDIS_SIZE_GB} GB)"
  gc redis instances create "${REDIS_INSTANCE}" --region="${REGION}" --tier="${REDIS_TIER}" \
    --size="${REDIS_SIZE_GB}" --redis-version="${REDIS_VERSION}" \
    --network="projects/${PROJECT_ID}/global/networks/${NETWORK}" --connect-mode=DIRECT_PEERING \
    --labels="app=${NAME}"
fi
log "REDIS_URL=$(redis_url)"
